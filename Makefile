# hutch: one plain GNU Makefile.
#
#   make            build ./hutch (and the hutch-vm symlink)
#   make run        deps + build + a busybox bundle + one container
#   make check      deps + build + every test lane, ending `N passed, N failed`
#   make deps       apt-get install whatever is missing (Debian 12)
#   make install PREFIX=/usr/local
#
# Sources are found by wildcard; a folder that needs targets of its own
# (guest kernel, test lanes, benchmarks) keeps them in its own rules.mk.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
CC       ?= cc
O        ?= build
SANITIZE ?=

VERSION  := 0.1.0
GIT_REV  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
            -Wshadow -Wformat=2 -fno-strict-aliasing -D_GNU_SOURCE -Ulinux -I. \
            -DHUTCH_VERSION='"$(VERSION)"' -DHUTCH_GIT_REV='"$(GIT_REV)"'
ifneq ($(SANITIZE),)
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

PKGS     := libseccomp libcap yajl libmnl libnftnl
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libseccomp, libcap, yajl and libnftnl from their static archives (libmnl
# has none): 4 fewer shared objects to map and relocate at every start of
# hutch.  Measured by bench/ (README, "Benchmarks"): a process start 4.4 ->
# 3.3 ms of CPU, 96 -> 75 page faults; create+start+delete -3.6 ms of CPU.
# STATIC_LIBS= links them dynamically.
STATIC_LIBS ?= 1
ifneq ($(STATIC_LIBS),)
PKG_LIBS   = -Wl,-Bstatic -lseccomp -lcap -lyajl_s -lnftnl -Wl,-Bdynamic -lmnl
endif
CFLAGS   += $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS)

LIB_DIRS := util spec runtime namespaces rootfs cgroups security netsetup vmm
LIB_SRCS := $(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c $(d)/*/*.c)))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
LIB      := $(O)/libhutch.a

all: hutch hutch-vm

hutch: $(O)/hutch.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(O)/hutch.o -Wl,--whole-archive $(LIB) -Wl,--no-whole-archive $(LDLIBS)

hutch-vm: hutch
	ln -sf hutch $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJS:.o=.d) $(O)/hutch.d

# ---- set-up ---------------------------------------------------------------
# Packages by purpose; `make deps` installs only what dpkg says is missing.
DEPS_BUILD := gcc libc6-dev make pkg-config libseccomp-dev libcap-dev jq \
              libyajl-dev libmnl-dev libnftnl-dev
DEPS_TEST  := bats busybox-static iproute2 nftables procps psmisc \
              qemu-system-x86 linux-source-6.1 bc flex bison libelf-dev \
              libssl-dev cpio xz-utils kmod clang podman conmon \
              containerd crun runc
DEPS_BENCH := crun runc gnuplot-nox
DEPS       ?= $(DEPS_BUILD) $(DEPS_TEST)

deps:
	@missing=""; for p in $(DEPS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' \
	    || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# ---- run: one container in a busybox bundle --------------------------------
BUNDLE := $(O)/bundle

run: DEPS = $(DEPS_BUILD) busybox-static
run: deps all
	@tests/mkbundle $(BUNDLE) >/dev/null
	@echo "hutch run: a busybox container printing its hostname and id"
	./hutch --root $(O)/run-state run --bundle $(BUNDLE) hutch-demo-$$$$

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 hutch $(DESTDIR)$(BINDIR)/hutch
	ln -sf hutch $(DESTDIR)$(BINDIR)/hutch-vm

clean:
	rm -rf $(O) hutch hutch-vm

# ---- tests: each lane writes $(O)/results/<lane> = "passed failed skipped" --
LANES := unit integration

-include $(sort $(wildcard */rules.mk */*/rules.mk */*/*/rules.mk))

check: deps all
	@rm -rf $(O)/results && mkdir -p $(O)/results
	@for l in $(LANES); do $(MAKE) --no-print-directory check-$$l || true; done
	@tests/summary $(O)/results $(LANES)

.PHONY: all deps run install clean check $(addprefix check-,$(LANES))
