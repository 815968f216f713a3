# The sandbox's guest side: the static guest init and the guest kernel.
# Neither is part of `make all`; the VM lane (and `make guest`) builds them.

GUEST_SRCS := guest/init.c guest/config.c guest/setup.c guest/relay.c guest/confine.c \
	guest/net.c
GUEST_INIT := $(O)/guest/init
GUEST_KERNEL := $(O)/guest/vmlinux

$(GUEST_INIT): $(GUEST_SRCS) guest/guest.h vmm/proto.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -I. -static -o $@ $(GUEST_SRCS)

# the script keeps a cache keyed by the config and the source version, so
# this rule is cheap when nothing changed
$(GUEST_KERNEL): guest/kernel.config guest/build-kernel
	guest/build-kernel $(O)/guest

guest: $(GUEST_INIT) $(GUEST_KERNEL)

install-guest: guest
	install -d $(DESTDIR)$(PREFIX)/lib/hutch
	install -m 0644 $(GUEST_KERNEL) $(DESTDIR)$(PREFIX)/lib/hutch/vmlinux
	install -m 0755 $(GUEST_INIT) $(DESTDIR)$(PREFIX)/lib/hutch/init

.PHONY: guest install-guest
