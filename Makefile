# vgate: top-level build.
#
#   make              the modules (vgate.ko, vgate_garp.ko, vgate_bwm.ko), the
#                     CLI and vgate-iked (ike-helper/)
#   make check        install missing packages, build, run the host tests
#                     (lib/, cli/, the CLI's fuzz corpora, ike-helper/) and
#                     the selftests in a VM; CI adds 60 s libFuzzer runs
#   make check TESTS="esp_replay cli_basics"   only the named selftests
#   make check-ike    vgate-iked in the VM against strongSwan with XFRM
#                     (selftests/_iked_*.sh: longer than make check's budget)
#   make demo         two gateways, a tunnel negotiated by vgate-iked,
#                     traffic through it and a rekey, in a VM
#   make bench        benchmarks against the kernel's XFRM, in a VM
#   make fuzz         the netlink fuzzer's extended run (4 seeds x 25000
#                     messages; NLFUZZ_SEEDS, NLFUZZ_COUNT), in a VM
#   make check-debug  the selftests on a debug kernel (KASAN, lockdep,
#                     kmemleak, fault injection) built once from
#                     linux-source-6.1; TESTS="..." as for check, FAULT=PCT
#                     to fail PCT% of vgate's allocations
#   make lint         checkpatch --strict and sparse on the kernel code
#   make install      install modules, CLI, vgate-iked, man pages and bash completion on
#                     this machine (PREFIX=/usr/local, DESTDIR)
#   make install-user the same without the modules

# The newest kernel that has headers installed, unless KDIR or KVER is given.
KVER ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | sed 's,/lib/modules/,,;s,/build,,' | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
DESTDIR ?=

# Not exported: on a fresh machine the headers only exist after "deps", so
# the sub-make run after it must find the kernel again.
KVER_ARG = $(if $(KVER),--kver $(KVER))

.PHONY: all modules cli ike deps check check-ike check-debug demo bench fuzz lint sparse checkpatch install \
	install-user clean

all: modules cli ike

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

cli:
	$(MAKE) -C cli

ike:
	$(MAKE) -C ike-helper

deps:
	@sh selftests/vm/install-deps.sh

check: deps
	$(MAKE) all
	$(MAKE) -C cli check
	$(MAKE) -C ike-helper check
	selftests/vm/run.sh $(KVER_ARG) -- $(TESTS)

# The IKE interop tests in the VM (selftests/_iked_*.sh): vgate-iked with
# vgate.ko against charon with the kernel's XFRM (both roles, IPv6,
# dialup, CHILD SA rekeys under traffic, PFS, volume lifetimes, NAT
# traversal through a real NAT); about 4 minutes, so not part of make
# check.
check-ike: deps
	$(MAKE) all
	selftests/vm/run.sh $(KVER_ARG) -- $(patsubst selftests/%.sh,%,$(wildcard selftests/_iked_*.sh))

# Builds its own copy of the tree against the debug kernel (.vm/debug/).
check-debug:
	@sh selftests/vm/install-deps.sh --debug
	selftests/vm/check-debug.sh $(if $(FAULT),--fault $(FAULT)) -- $(TESTS)

demo: deps
	$(MAKE) all
	selftests/vm/run.sh $(KVER_ARG) --demo

bench: deps
	$(MAKE) all
	selftests/vm/run.sh $(KVER_ARG) --bench -- $(TESTS)

# The extended run of selftests/netlink_fuzz.sh (make check runs 2 seeds
# of 1500 messages); run.sh passes NLFUZZ_* into the VM.
NLFUZZ_SEEDS ?= 1 2 3 4
NLFUZZ_COUNT ?= 25000
fuzz: deps
	$(MAKE) all
	NLFUZZ_SEEDS="$(NLFUZZ_SEEDS)" NLFUZZ_COUNT="$(NLFUZZ_COUNT)" \
	VGATE_TEST_TIMEOUT=$${VGATE_TEST_TIMEOUT:-7200} \
	VGATE_VM_TIMEOUT=$${VGATE_VM_TIMEOUT:-7800} \
		selftests/vm/run.sh $(KVER_ARG) -- netlink_fuzz

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CF="-D__CHECK_ENDIAN__" modules

CHECKPATCH ?= /usr/src/linux-source-6.1/scripts/checkpatch.pl

checkpatch:
	$(CHECKPATCH) --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,CAMELCASE \
		-f kernel/*.[ch] drivers/*.[ch] include/uapi/linux/vgate.h

lint: checkpatch sparse

install: all install-user
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra modules_install
	depmod -a $(KVER)

# Userspace only (no kernel needed; make -C cli check tests it with DESTDIR):
# the CLI, vgate-iked, the UAPI header, the man pages and the bash completion.
install-user: cli ike
	$(MAKE) -C cli install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -D -m 0755 ike-helper/vgate-iked $(DESTDIR)$(PREFIX)/sbin/vgate-iked
	install -D -m 0644 include/uapi/linux/vgate.h $(DESTDIR)$(PREFIX)/include/linux/vgate.h
	install -D -m 0644 man/vgate.8 $(DESTDIR)$(PREFIX)/share/man/man8/vgate.8
	install -D -m 0644 man/vgate-iked.8 $(DESTDIR)$(PREFIX)/share/man/man8/vgate-iked.8
	install -D -m 0644 man/vgate.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/vgate.conf.5
	install -D -m 0644 completion/vgate \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/vgate

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C cli clean
	$(MAKE) -C lib clean
	$(MAKE) -C ike-helper clean
