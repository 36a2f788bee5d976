# SPDX-License-Identifier: GPL-2.0-only
#
# hv: out-of-tree build wrapper.  The kbuild rules are in ./Kbuild, which
# kbuild reads instead of this file, so DKMS's "KERNELRELEASE=..." on the
# make command line is harmless here.
#
#   make [KDIR=...]        build hv.ko, hv-amd.ko, hv-intel.ko
#   make install           install them (INSTALL_MOD_DIR, default extra) + depmod
#   make run               build, boot the x86-svm test host, load hv, run a guest
#   make bench             hvbench against hv and KVM in one boot of each x86
#                          host (kvm_amd in x86-svm, kvm_intel in x86-vmx):
#                          tables of both and their ratio (BENCH_ARGS="--reps N");
#                          x86-svm also times hv-vmm's Linux boot on both
#   make check             every test: ABI layout, static checks, selftests in
#                          the x86-svm and x86-vmx hosts, runner and DKMS checks
#   make check-debug       the selftests in x86-svm on a debug kernel built from
#                          linux-source-6.1 (KASAN, lockdep, kmemleak, DEBUG_VM)
#   make fuzz              hvfuzz against hv for FUZZ_SECONDS (default 600), then
#                          against kvm_amd for FUZZ_KVM_SECONDS (default 120), in
#                          one x86-svm boot; FUZZ_SEED=N replays a run
#   make clean

HV_ROOT		:= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KERNELRELEASE	?= $(shell uname -r)
KDIR		?= /lib/modules/$(KERNELRELEASE)/build
INSTALL_MOD_DIR	?= extra
BUILD		?= $(HV_ROOT)/build
HVHOST		:= $(HV_ROOT)/tools/testing/hosts/hvhost

export HV_ROOT BUILD

.PHONY: all modules install install-headers install-udev clean deps \
	run bench fuzz check check-debug check-bench check-fuzz check-kvm-selftests check-abi check-unit \
	check-build check-style check-hosts check-runner check-dkms check-arm64 check-s390 check-qemu \
	selftests

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(HV_ROOT) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(HV_ROOT) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) \
		$(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
			$(KDIR)/include/generated/utsrelease.h)

PREFIX ?= /usr
install-headers:
	install -D -m 644 include/uapi/linux/hv.h $(DESTDIR)$(PREFIX)/include/linux/hv.h
	install -D -m 644 arch/x86/include/uapi/asm/hv.h \
		$(DESTDIR)$(PREFIX)/include/x86_64-linux-gnu/asm/hv.h

install-udev:
	install -D -m 644 udev/60-hv.rules $(DESTDIR)/etc/udev/rules.d/60-hv.rules

clean:
	-[ ! -d $(KDIR) ] || $(MAKE) -C $(KDIR) M=$(HV_ROOT) clean
	$(MAKE) -C tools/testing/abi clean
	rm -rf $(BUILD)

# Everything below runs hv only inside emulated test hosts, never here.
deps:
	scripts/install-deps.sh

run: deps
	scripts/run.sh

bench: deps
	scripts/bench.sh $(BENCH_ARGS)
	scripts/bench.sh --host x86-vmx --reps 3 $(BENCH_ARGS)

check: deps
	scripts/check.sh

check-debug: deps
	scripts/check-debug.sh

FUZZ_SECONDS	?= 600
FUZZ_KVM_SECONDS ?= 120
FUZZ_SEED	?=
fuzz: deps
	$(MAKE) -s -C $$($(HVHOST) kdir) M=$(HV_ROOT) modules
	tools/testing/fuzz/run.sh --name fuzz-long \
		--modules "virt/hv/hv.ko arch/x86/hv/svm/hv-amd.ko" \
		--seconds $(FUZZ_SECONDS) --kvm-seconds $(FUZZ_KVM_SECONDS) \
		$(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

check-abi check-unit check-build check-style check-hosts check-runner \
check-dkms check-arm64 check-s390 check-kvm-selftests check-bench check-qemu check-fuzz \
selftests: deps
	scripts/check.sh $(@:check-%=%)
