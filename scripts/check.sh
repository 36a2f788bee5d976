#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hv's full test suite: what "make check" runs.  Each step logs to
# build/check/<step>.log and prints one line; the last line counts them.
#
#   scripts/check.sh [step...]     (default: all steps)
#
# Steps: abi unit build style selftests hosts vmm vmm-vmx robust runner arm64
#        s390 dkms bench kvm-selftests qemu
#   abi        ABI layout of the uapi headers against <linux/kvm.h> (here),
#              x86, arm64 and s390
#   unit       unit tests of pure kernel code (the MMIO decoder), in
#              userspace, also under valgrind and ASan/UBSan
#   build      modules against Debian 12's kernel, W=1 and sparse C=2, no warnings
#   style      checkpatch --strict and SPDX lines on every source file
#   selftests  the kselftests build (static, for the test hosts)
#   hosts      the selftests in the x86-svm (QEMU) and x86-vmx (Bochs) hosts
#   runner     the test-host runner catches oopses, hangs and failures
#   arm64      hv.ko + hv-arm64.ko cross-built (W=1) and the selftests run in
#              the arm64-vhe host, which must boot at EL2 with VHE
#   s390       hv.ko + hv-s390.ko cross-built (W=1, sparse) and the selftests
#              run in the s390-sie (Hercules) host against hv, the s390 guest
#              tests also against Linux's kvm.ko there
#   dkms       dkms add/build of this tree against Debian 12's headers
#   bench      hvbench (make bench) once against hv and kvm_amd in x86-svm
#              with tiny counts, then hv-vmm's Linux boot once on each in a
#              real-time x86-svm: a correctness smoke test, no timing checks
#   vmm        hv-vmm boots Linux (2 vCPUs, virtio disk) on hv and on kvm_amd
#   vmm-vmx    hv-vmm boots Linux (1 vCPU) on hv-intel in the x86-vmx (Bochs)
#              host, after the hosts step's Bochs run (one Bochs at a time)
#   robust     bad inputs to every ioctl: the same errno as Linux's kvm_amd
#              in the same x86-svm boot (tools/testing/robust)
#   fuzz       hvfuzz (tools/testing/fuzz): random ioctls and guest code
#              against hv for FUZZ_CI_SECONDS (150), then 30 s against
#              kvm_amd, in one x86-svm boot, with a seed printed (FUZZ_SEED
#              fixes it); any kernel report or fuzzer invariant fails.
#              Not in the default list: a CPU of the QEMU host sometimes
#              locks up inside a fuzzed guest, with kvm_amd as with hv (a
#              QEMU TCG bug for one EFER case; on 2026-11-21 the stuck
#              CPU held a torn mix of states, the host's CR3, CR4 and
#              EFER with a real-mode CR0, with multi-threaded TCG and
#              with one thread alike), so it would fail CI at random.
#              "make check-fuzz" runs it.
#   kvm-selftests  Linux's own KVM selftests (linux-source-6.1, unmodified)
#              against hv and kvm_amd in x86-svm: a per-test report that
#              fails only if the harness breaks or hv crashes the host
#   qemu       the machine's own qemu-system-x86_64 (7.2, -accel kvm) on hv
#              in x86-svm (one TCG thread) boots the hv-vmm test guest with QEMU's userspace
#              irqchip and with hv's in-kernel one (tools/hv/qemu-test.sh)
#
# hv itself is only ever loaded inside the emulated hosts.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
HV_ROOT=$PWD
BUILD=${BUILD:-$HV_ROOT/build}
HVHOST=$HV_ROOT/tools/testing/hosts/hvhost
LOGS=$BUILD/check
MODULES=(virt/hv/hv.ko arch/x86/hv/svm/hv-amd.ko arch/x86/hv/vmx/hv-intel.ko)
mkdir -p "$LOGS"

passed=0
failed=0
failed_steps=()

# report STEP STATUS SECONDS: one line per step, the log's tail on failure.
report() {
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		echo "check: $1: ok ($3 s)"
	else
		failed=$((failed + 1))
		failed_steps+=("$1")
		echo "check: $1: FAILED ($3 s), log $LOGS/$1.log:"
		tail -n 40 "$LOGS/$1.log" | sed 's/^/    /'
	fi
}

run_step() {
	local name=$1 start=$SECONDS r
	shift
	"$@" >"$LOGS/$name.log" 2>&1
	r=$?
	report "$name" $r $((SECONDS - start))
	return $r
}

# --- provisioning (not a step: everything below needs it) ---------------
KDIR=
KSRC=
provision() {
	KDIR=$("$HVHOST" kdir) && KSRC=$("$HVHOST" ksrc) &&
		[ -d "$KDIR" ] && [ -d "$KSRC" ]
}

# --- steps ----------------------------------------------------------------
# x86 against the machine's <linux/kvm.h>; arm64 and s390 against their
# cross <linux/kvm.h>, their checkers run under qemu-user.
step_abi() {
	make -C tools/testing/abi check KDIR="$KDIR" &&
		make -C tools/testing/abi headers abi HV_ARCH=arm64 \
			CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ \
			CLANG="clang --target=aarch64-linux-gnu -isystem /usr/aarch64-linux-gnu/include" \
			KVM_INCLUDE=/usr/aarch64-linux-gnu/include \
			EXEC="qemu-aarch64 -L /usr/aarch64-linux-gnu" &&
		make -C tools/testing/abi headers abi HV_ARCH=s390 \
			CC=s390x-linux-gnu-gcc CXX=s390x-linux-gnu-g++ \
			CLANG="clang --target=s390x-linux-gnu -isystem /usr/s390x-linux-gnu/include" \
			KVM_INCLUDE=/usr/s390x-linux-gnu/include \
			EXEC="qemu-s390x -L /usr/s390x-linux-gnu"
}

step_unit() {
	make -C tools/testing/unit check
}

step_build() {
	make -C "$KDIR" M="$HV_ROOT" clean >/dev/null &&
		make -C "$KDIR" M="$HV_ROOT" W=1 C=2 modules 2>&1 |
		tee "$BUILD/build.out" || return 1
	# Any compiler or sparse diagnostic fails the step.
	if grep -E ': (warning|error):|^WARNING:' "$BUILD/build.out"; then
		echo "build: diagnostics above"
		return 1
	fi
	for m in "${MODULES[@]}"; do
		[ -f "$m" ] || { echo "build: $m missing"; return 1; }
	done
}

# Files we write, by kind; the kselftest framework and kernel headers are
# not ours and not in the tree.
sources() {
	git ls-files -co --exclude-standard -- "$@" | grep -v '^build/'
}

step_style() {
	local r=0 f
	local cp=("$KSRC/scripts/checkpatch.pl" --no-tree --strict --terse
		  --show-types)
	# Kernel code: everything but ENOSYS, which KVM's ABI returns where
	# hv must too (an arm64 data abort without syndrome).  uapi headers
	# cannot use BIT(), which is not uapi.  Userspace (tools/) has no kernel attribute macros or BIT()
	# and legitimately uses volatile for guest/host shared memory, extern
	# asm labels, ELF type names and assertion macros that return.
	local user_ignore=PREFER_DEFINED_ATTRIBUTE_MACRO,VOLATILE,AVOID_EXTERNS
	user_ignore+=,BIT_MACRO,CAMELCASE,MACRO_WITH_FLOW_CONTROL
	# shellcheck disable=SC2046
	{
		"${cp[@]}" --ignore ENOSYS -f $(sources '*.c' '*.h' '*.S' ':!*/uapi/*' ':!tools/*')
		"${cp[@]}" --ignore BIT_MACRO -f $(sources '*/uapi/*.h')
		"${cp[@]}" --ignore "$user_ignore" -f $(sources 'tools/*.c' 'tools/*.h')
	} | grep -v '^total:' | tee "$BUILD/checkpatch.out"
	if grep -q . "$BUILD/checkpatch.out"; then
		echo "style: checkpatch --strict findings above"
		r=1
	fi
	# SPDX: first line, or second after a shebang (license-rules.rst).
	for f in $(sources '*.c' '*.h' '*.S' '*.sh' '*.py' '*.rst' \
			'Makefile' '*/Makefile' 'Kbuild' '*/Kbuild' 'Kconfig' \
			'tools/testing/hosts/hvhost'); do
		head -n 2 "$f" | grep -q 'SPDX-License-Identifier: ' ||
			{ echo "style: $f has no SPDX line"; r=1; }
	done
	return $r
}

# The selftests, installed as a kselftest collection plus hv's modules
# and the payload script: the directory a test host runs.
PAYLOAD=$BUILD/payload-selftests
step_selftests() {
	rm -rf "$PAYLOAD" "$BUILD/selftests" &&
		mkdir -p "$PAYLOAD/kselftest" "$BUILD/selftests" &&
		make -C tools/testing/selftests/hv KSRC="$KSRC" \
			OUTPUT="$BUILD/selftests" INSTALL_PATH="$PAYLOAD/hv" \
			install || return 1
	cp "$KSRC/tools/testing/selftests/kselftest/runner.sh" "$PAYLOAD/kselftest/" &&
		cp scripts/payload/selftests.sh "$PAYLOAD/run.sh" || return 1
	make -s -C tools/testing/selftests/hv KSRC="$KSRC" emit_tests |
		sed -n 's/^.*:\(.*\)$/.\/\1/p' >"$PAYLOAD/hv/tests.list"
	echo "selftests: $(wc -l <"$PAYLOAD/hv/tests.list") test programs:"
	cat "$PAYLOAD/hv/tests.list"
	[ -s "$PAYLOAD/hv/tests.list" ]
}

# run_host HOST: the selftests in one host, with Linux's KVM modules beside
# hv so the mutual-exclusion tests run.
run_host() {
	"$HVHOST" run --host "$1" --with-kvm --kmods "zram msr" --payload "$PAYLOAD" \
		--modules "${MODULES[*]}" --name selftests "${@:2}"
}
# One TCG thread: QEMU's multi-threaded TCG breaks nested SVM and locks up
# module reloads (tools/testing/hosts/README.md).  About 3 min alone; on
# CI's two cores beside Bochs it has run out of hvhost's default 300 s.
step_hosts_svm() { run_host x86-svm --one-tcg-thread --timeout 900; }
# Bochs runs the whole suite in about 15 min alone, more beside the other
# steps on two cores.
step_hosts_vmx() { run_host x86-vmx --timeout 2400; }

step_runner() {
	"$HVHOST" selftest
}

# cross_step NAME KARCH TRIPLET ST_ARCH DIAG_RE HOST MODULES [ARG...]: hv
# cross-built for another architecture's Debian kernel (W=1 C=2) from a
# copy of the tree in $BUILD/NAME-src, so the x86 objects stay, with no
# diagnostic matching the extended regex DIAG_RE; the selftests
# cross-built the same way into $BUILD/payload-NAME; then the host HOST
# runs that payload with the run.sh read from stdin, MODULES (paths in
# the copy) loaded and ARG... given to "hvhost run".  NAME is the
# architecture as "hvhost kdir" spells it, KARCH Kbuild's ARCH, TRIPLET
# the cross compiler's prefix without the dash, ST_ARCH the selftests'
# ARCH (uname -m).
cross_step() {
	local name=$1 karch=$2 triplet=$3 starch=$4 diag=$5 host=$6 mods=$7
	local p=$BUILD/payload-$name src=$BUILD/$name-src kdir runsh m
	local cross=(ARCH="$karch" CROSS_COMPILE="$triplet-")
	local st=(ARCH="$starch" CC="$triplet-gcc"
		  KHDR_INCLUDES="-isystem /usr/$triplet/include")
	local modpaths=()
	shift 7
	runsh=$(cat)
	for m in $mods; do
		modpaths+=("$src/$m")
	done
	kdir=$("$HVHOST" kdir "$name") || return 1
	rm -rf "$src" "$p" "$BUILD/selftests-$name" &&
		mkdir -p "$src" "$p/kselftest" "$BUILD/selftests-$name" &&
		git ls-files -co --exclude-standard | grep -v '^build/' |
		rsync -a --files-from=- . "$src/" || return 1
	make -C "$kdir" "${cross[@]}" M="$src" W=1 C=2 modules 2>&1 |
		tee "$BUILD/$name-build.out" || return 1
	if grep -E "$diag" "$BUILD/$name-build.out"; then
		echo "$name: the module build has diagnostics"
		return 1
	fi
	make -C tools/testing/selftests/hv KSRC="$KSRC" "${st[@]}" \
		OUTPUT="$BUILD/selftests-$name" INSTALL_PATH="$p/hv" install ||
		return 1
	make -s -C tools/testing/selftests/hv KSRC="$KSRC" ARCH="$starch" emit_tests |
		sed -n 's/^.*:\(.*\)$/.\/\1/p' >"$p/hv/tests.list"
	cp "$KSRC/tools/testing/selftests/kselftest/runner.sh" "$p/kselftest/" &&
		cp scripts/payload/selftests.sh "$p/selftests.sh" || return 1
	printf '%s\n' "$runsh" >"$p/run.sh"
	"$HVHOST" run --host "$host" --payload "$p" --name selftests "$@" \
		--modules "${modpaths[*]}"
}

# arm64: hv.ko and hv-arm64.ko cross-built for Debian's arm64 kernel (W=1 C=2,
# no warnings) from a copy of the tree, so the x86 objects stay; the
# selftests cross-built the same way; all run in the arm64-vhe host after
# it proved it booted at EL2 with VHE.
step_arm64() {
	cross_step arm64 arm64 aarch64-linux-gnu aarch64 'warning:|error:' \
		arm64-vhe "virt/hv/hv.ko arch/arm64/hv/vhe/hv-arm64.ko" <<'EOT'
dmesg | grep -e "CPU: All CPU(s) started at EL2" -e "VHE mode initialized" ||
	exit 1
dmesg | grep -q "CPU: All CPU(s) started at EL2" &&
	dmesg | grep -q "VHE mode initialized successfully" || exit 1
exec sh /payload/selftests.sh
EOT
}

# hv.ko + hv-s390.ko cross-built for Debian's s390x kernel (W=1, sparse),
# then in the s390-sie (Hercules) host: the selftests against hv, and the
# s390 guest tests again against Linux's kvm.ko in the same boot (both
# drivers share SIE).  The boot and suite times are in the output.
step_s390() {
	cross_step s390 s390 s390x-linux-gnu s390x ': (warning|error):|^WARNING:' \
		s390-sie "virt/hv/hv.ko arch/s390/hv/sie/hv-s390.ko" --with-kvm <<'EOT'
grep -qw sie /proc/cpuinfo || { echo "s390: this CPU has no SIE"; exit 1; }
# SIE needs page tables with PGSTEs: every process started from now on.
echo 1 >/proc/sys/vm/allocate_pgste || exit 1
echo "s390: booted in $(cut -d' ' -f1 /proc/uptime) s"
# Hercules gives the first guest run of a boot a bogus data exception,
# with kvm.ko as with hv (sie_test.c, warm_up()): take it on kvm.ko,
# which is loaded for its own run below anyway.
modprobe kvm || { echo "s390: modprobe kvm failed"; exit 1; }
HV_DEV=/dev/kvm /payload/hv/sie_test --warm-up
t0=$(cut -d' ' -f1 /proc/uptime)
sh /payload/selftests.sh
rc=$?
# CREATE_VM from a process without PGSTEs: started by this shell (which
# has none: allocate_pgste applies at exec, and is inherited) with the
# setting off.  KVM and hv give EINVAL.
no_pgste() {
	echo 0 >/proc/sys/vm/allocate_pgste
	HV_DEV=$1 /payload/hv/sie_test --no-pgste-child
	r=$?
	echo 1 >/proc/sys/vm/allocate_pgste
	if [ $r -eq 22 ]; then
		echo "ok - $1: CREATE_VM without PGSTEs gives EINVAL"
	else
		echo "not ok - $1: CREATE_VM without PGSTEs gives errno $r, not EINVAL"
		rc=1
	fi
}
no_pgste /dev/hv
t1=$(cut -d' ' -f1 /proc/uptime)
echo "s390: suite on hv took $(echo "$t0 $t1" | awk '{ print $2 - $1 }') s"
# The same guest tests against Linux's s390 kvm.ko, loaded beside hv.
no_pgste /dev/kvm
cd /payload/hv || exit 1
for t in $(cat tests.list); do
	case $t in ./sie_test) ;; *) continue ;; esac
	echo "s390: $t against kvm.ko"
	HV_DEV=/dev/kvm $t >/tmp/kvm.out 2>&1
	r=$?
	cat /tmp/kvm.out
	[ $r -eq 0 ] || { echo "not ok kvm $t"; rc=1; }
done
echo "s390: hv and kvm.ko suites took $(awk -v t0="$t0" '{ print $1 - t0 }' /proc/uptime) s"
exit $rc
EOT
}

# dkms add + build in a private dkms tree, so the machine's own
# /var/lib/dkms and /usr/src are untouched.
step_dkms() {
	local krel ver tree
	krel=$("$HVHOST" krelease x86_64) || return 1
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
	tree=$BUILD/dkms
	rm -rf "$tree" && mkdir -p "$tree/source" "$tree/var" "$tree/install" &&
		git ls-files -co --exclude-standard | grep -v '^build/' |
		rsync -a --files-from=- . "$tree/source/hv-$ver/" || return 1
	dkms_() {
		dkms --dkmstree "$tree/var" --sourcetree "$tree/source" \
			--installtree "$tree/install" "$@"
	}
	dkms_ add -m hv -v "$ver" &&
		dkms_ build -m hv -v "$ver" -k "$krel" &&
		dkms_ status -m hv -v "$ver" -k "$krel" | tee "$BUILD/dkms.status" &&
		grep -q built "$BUILD/dkms.status" &&
		for m in hv hv-amd hv-intel; do
			find "$tree/var/hv/$ver/$krel" -name "$m.ko*" | grep -q . ||
				{ echo "dkms: $m.ko not built"; return 1; }
		done
}

step_bench() {
	scripts/bench.sh --quick --reps 1
}

# Linux guests through hv-vmm (tools/hv): on hv, then on kvm_amd as the
# reference, each in its own x86-svm boot; the boot times (VMM start to
# the guest's /init banner) are printed for both.
step_vmm() {
	local r=0 which
	for which in hv kvm; do
		tools/hv/vmm-test.sh "$which" || r=1
	done
	return $r
}

# The same test guest on hv-intel in Bochs: one vCPU (a second would
# double the emulated work on Bochs's one emulated CPU), generous timeout
# (the run took 710 s on a loaded machine, the banner 1.91 s of host time).
step_vmm_vmx() {
	HV_VMM_HOST=x86-vmx HV_VMM_CPUS=1 HV_VMM_TIMEOUT=3000 \
		tools/hv/vmm-test.sh hv
}

step_robust() {
	tools/testing/robust/run.sh --modules "${MODULES[0]} ${MODULES[1]}"
}

# A fixed budget: about 3.5 min with the boot and the memory checks.
step_fuzz() {
	tools/testing/fuzz/run.sh --name fuzz \
		--modules "${MODULES[0]} ${MODULES[1]}" \
		--seconds "${FUZZ_CI_SECONDS:-150}" --kvm-seconds 30 \
		${FUZZ_SEED:+--seed "$FUZZ_SEED"}
}

step_kvm_selftests() {
	tools/testing/kvm-selftests/run.sh --modules "${MODULES[0]} ${MODULES[1]}"
}

# One TCG thread: with a thread per CPU, QEMU 7.2 sometimes hands the
# nested guest hv-amd's own state at VMRUN (RIP in hv-amd, RAX the VMCB),
# and the guest dies of an emulation failure (CI, 2026-11-21;
# tools/testing/hosts/README.md).  QEMU-on-hv boots its SMP guest there.
step_qemu() {
	tools/hv/qemu-test.sh hv --one-tcg-thread
}

# --- driver ---------------------------------------------------------------
all_steps=(abi unit build style selftests hosts vmm vmm-vmx robust runner arm64
	   s390 dkms bench kvm-selftests qemu)
[ $# -gt 0 ] && steps=("$@") || steps=("${all_steps[@]}")
want() { [[ " ${steps[*]} " == *" $1 "* ]]; }

start=$SECONDS
if ! run_step provision provision; then
	echo "check: cannot provision the test hosts; nothing else can run"
	echo "0 passed, 1 failed"
	exit 1
fi

# The Bochs host is the long pole: start it as soon as its inputs exist
# and run everything else beside it (CI has two cores).
built=1
if want build || want hosts || want vmm || want vmm-vmx || want robust ||
   want fuzz ||
   want kvm-selftests || want bench || want qemu; then
	run_step build step_build || built=0
fi
if want selftests || want hosts; then
	run_step selftests step_selftests || built=0
fi
# The Bochs runs, one after the other, in the background: the selftests,
# then hv-vmm's Linux guest.  Each writes its status for the report.
vmx_pid=
vmx_bg() {
	local t=$SECONDS
	if want hosts; then
		step_hosts_vmx >"$LOGS/hosts-vmx.log" 2>&1
		echo "$? $((SECONDS - t))" >"$LOGS/.hosts-vmx.status"
	fi
	t=$SECONDS
	if want vmm-vmx; then
		step_vmm_vmx >"$LOGS/vmm-vmx.log" 2>&1
		echo "$? $((SECONDS - t))" >"$LOGS/.vmm-vmx.status"
	fi
}
rm -f "$LOGS/.hosts-vmx.status" "$LOGS/.vmm-vmx.status"
if { want hosts || want vmm-vmx; } && [ $built = 1 ]; then
	vmx_bg &
	vmx_pid=$!
fi
want abi && run_step abi step_abi
want unit && run_step unit step_unit
want style && run_step style step_style
if want hosts; then
	if [ $built = 1 ]; then
		run_step hosts-svm step_hosts_svm
	else
		echo "modules or selftests did not build" >"$LOGS/hosts-svm.log"
		report hosts-svm 1 0
		cp "$LOGS/hosts-svm.log" "$LOGS/hosts-vmx.log"
		report hosts-vmx 1 0
	fi
fi
if want vmm-vmx && [ $built = 0 ]; then
	echo "modules did not build" >"$LOGS/vmm-vmx.log"
	report vmm-vmx 1 0
fi
if want vmm; then
	if [ $built = 1 ]; then
		run_step vmm step_vmm
		grep -h -e '^hv-vmm: mark 1 at' -e '^vmm-test: FAIL' \
			-e '^hvhost: \(PASS\|FAIL\) x86-svm vmm-' "$LOGS/vmm.log" |
			sed 's/^/check: vmm: /'
	else
		echo "modules did not build" >"$LOGS/vmm.log"
		report vmm 1 0
	fi
fi
if want robust; then
	if [ $built = 1 ]; then
		run_step robust step_robust
		grep -h '^robust:' "$LOGS/robust.log" | sed 's/^/check: /'
	else
		echo "modules did not build" >"$LOGS/robust.log"
		report robust 1 0
	fi
fi
if want fuzz; then
	if [ $built = 1 ]; then
		run_step fuzz step_fuzz
		grep -h -e '^fuzz: seed' -e '^hvfuzz: done' -e '^hvfuzz: .*: \(clean\|FAILED\)' \
			-e '^hvfuzz: FAIL' "$LOGS/fuzz.log" | sed 's/^/check: fuzz: /'
	else
		echo "modules did not build" >"$LOGS/fuzz.log"
		report fuzz 1 0
	fi
fi
want runner && run_step runner step_runner
want arm64 && run_step arm64 step_arm64
want s390 && run_step s390 step_s390
want dkms && run_step dkms step_dkms
if want bench; then
	if [ $built = 1 ]; then
		run_step bench step_bench
	else
		echo "modules did not build" >"$LOGS/bench.log"
		report bench 1 0
	fi
fi
if want kvm-selftests; then
	if [ $built = 1 ]; then
		run_step kvm-selftests step_kvm_selftests
		grep -h '^kvm-selftests on hv' "$LOGS/kvm-selftests.log" |
			sed 's/^/check: /'
	else
		echo "modules did not build" >"$LOGS/kvm-selftests.log"
		report kvm-selftests 1 0
	fi
fi
if want qemu; then
	if [ $built = 1 ]; then
		run_step qemu step_qemu
		grep -h '^qemu-test: \(ok\|FAIL\)\|banner after' "$LOGS/qemu.log" |
			sed 's/^/check: /'
	else
		echo "modules did not build" >"$LOGS/qemu.log"
		report qemu 1 0
	fi
fi
if [ -n "$vmx_pid" ]; then
	wait "$vmx_pid"
	for s in hosts-vmx vmm-vmx; do
		if [ $s = hosts-vmx ]; then want hosts || continue; fi
		if [ $s = vmm-vmx ]; then want vmm-vmx || continue; fi
		read -r st secs <"$LOGS/.$s.status" 2>/dev/null || { st=1 secs=0; }
		report $s "$st" "$secs"
	done
	if want vmm-vmx; then
		grep -h -e '^hv-vmm: mark 1 at' -e '^vmm-test: FAIL' \
			-e '^hvhost: \(PASS\|FAIL\) x86-vmx vmm-' \
			-e '^x86-vmx: booted' "$LOGS/vmm-vmx.log" |
			sed 's/^/check: vmm-vmx: /'
	fi
fi

# The selftests' own TAP lines, so the result is visible without the logs.
for h in svm vmx; do
	[ -f "$LOGS/hosts-$h.log" ] || continue
	echo "check: hosts-$h: $(grep -c '^ok ' "$LOGS/hosts-$h.log") TAP ok," \
		"$(grep -c '^not ok ' "$LOGS/hosts-$h.log") TAP not ok"
done
echo "check: total $((SECONDS - start)) s${failed_steps[*]:+; failed: ${failed_steps[*]}}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
