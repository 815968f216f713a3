# security/: the CVE-2019-5736 exec trampoline (security/dmz/dmz.c), a
# static program without libc, embedded into self_protect.o with .incbin.
# Built with its own flags: never sanitized, never PIE.
DMZ_BIN := $(O)/security/hutch-dmz

$(DMZ_BIN): security/dmz/dmz.c
	@mkdir -p $(dir $@)
	$(CC) -DHUTCH_DMZ_BUILD -Os -static -nostdlib -ffreestanding \
	  -fno-builtin -fno-stack-protector -fno-pie -no-pie \
	  -fno-asynchronous-unwind-tables -fcf-protection=none \
	  -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-n -s -o $@ $<

$(O)/security/self_protect.o: $(DMZ_BIN)
$(O)/security/self_protect.o: CFLAGS += -DHUTCH_DMZ_PATH='"$(abspath $(DMZ_BIN))"'

# tests/integration/cve-2022-29162.bats sets file capabilities (setcap)
DEPS_TEST += libcap2-bin
