#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Linux's own KVM selftests against hv, with Linux's kvm_amd as reference.
#
#   run.sh --modules "virt/hv/hv.ko arch/x86/hv/svm/hv-amd.ko" [options]
#
# Builds tools/testing/selftests/kvm of Debian's linux-source-6.1,
# unmodified and static, into build/kvm-selftests; boots the x86-svm test
# host (QEMU TCG) with them twice, once with hv (/dev/hv bind-mounted over
# /dev/kvm in a private mount namespace) and once with Linux's kvm_amd; and
# prints one TAP line per test with both results.  See README.rst.
#
# Options:
#   --modules "A.ko B.ko"  hv.ko and hv-amd.ko (required unless --build-only)
#   --only "T1 T2"         run only these tests (names as in the Makefile)
#   --side hv|kvm_amd|both which hosts to boot (default both)
#   --slow                 also run the tests too slow for the CI budget
#   --jobs 1|2             boot the hv and kvm_amd hosts one after the
#                          other or side by side (default 2)
#   --budget SECONDS       wall time per host side (default 400)
#   --limit SECONDS        time limit of each test (default 60)
#   --build-only           build the tests and stop
#   --report-only          print the report of the last run again
#
# Exit status: 0 when the harness worked, whatever the tests reported (hv
# lacks features: this is a report, like a benchmark); 1 when the build
# failed, a host could not set up or run the tests, or the kernel of an hv
# host reported a problem (BUG, WARNING, oops, panic...: hvhost's
# judgement); 2 on a usage error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
HVHOST=$REPO/tools/testing/hosts/hvhost
OUT=${BUILD:-$REPO/build}/kvm-selftests

# Seconds a test may run before the payload kills it (--limit).  The kvm
# collection's "settings" file allows 120 s, but under TCG the slowest
# test of the default set takes 40 s on kvm_amd, and a test that hangs
# on hv would cost its whole limit: 60 s.
DEFAULT_LIMIT=60
# The payload prints a heartbeat every 5 s.  A host whose payload has
# printed nothing for STUCK_SECS (the kernel may still be printing, say
# soft-lockup reports), or whose test has outlived its limit by
# STUCK_GRACE (the payload's watchdog could not kill it), is stuck.
STUCK_SECS=30
STUCK_GRACE=30
# Boot, module load and power-off of one host, generously.
BOOT_SECS=60

# Tests that need special handling, as "NAME|MODE|REASON".  Everything
# else in the Makefile's lists runs, in the Makefile's order.
#   exclude  never run, for the reason given
#   slow     run only with --slow: does not finish within the CI budget
#            under TCG even on kvm_amd (measured with Debian 6.1.0-56,
#            QEMU 7.2 -cpu max, on 2 host cores)
#   last     run at the end of its host's batch: has stopped the whole
#            test host under TCG, which ends that boot
SPECIAL=(
	'max_guest_memory_test|exclude|OOM-killed in the 2 GiB test host even on kvm_amd; the OOM report has a Call Trace, which fails the host run'
	'nx_huge_pages_test.sh|exclude|a bash script needing hugetlbfs pages and kvm.ko module parameters; the busybox test host has none of them'
	'dirty_log_test|slow|55-125 s on kvm_amd under TCG (3 log modes over 1 GiB of guest memory)'
	'memslot_perf_test|slow|over 6 min on kvm_amd under TCG (20-35 s to set up the slots of each case), then SIGALRM in its RW case'
	'rseq_test|slow|about 350 s on kvm_amd under TCG (100000 forced task migrations)'
	'hardware_disable_test|slow|does not finish in 400 s on kvm_amd under TCG (512 forked VMs of 4 vCPUs each)'
	'set_memory_region_test|slow|still adding its 32764 memory slots after 30 s on kvm_amd under TCG, and has hung the host there'
	'hyperv_features|last|soft-locks the test host under TCG on kvm_amd (RCU stall, both CPUs stuck)'
	'set_boot_cpu_id|last|has soft-locked the test host under TCG on kvm_amd'
)

OPT_MODULES='' OPT_ONLY='' OPT_SIDE=both OPT_SLOW=0 OPT_JOBS=2
OPT_BUDGET=400 OPT_LIMIT=$DEFAULT_LIMIT OPT_BUILD_ONLY=0 OPT_REPORT_ONLY=0

# Filled by load_tests: every test in the Makefile's order, its binary,
# limit, mode and reason.
TESTS=()
declare -A BIN=() LIMIT=() MODE=() WHY=() SELECTED=()

msg() { printf '# kvm-selftests: %s\n' "$*"; }
die() { printf 'kvm-selftests: error: %s\n' "$*" >&2; exit 2; }

usage() {
	sed -n '3,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
	exit 2
}

parse_args() {
	while [[ $# -gt 0 ]]; do
		case $1 in
		--slow) OPT_SLOW=1; shift; continue ;;
		--build-only) OPT_BUILD_ONLY=1; shift; continue ;;
		--report-only) OPT_REPORT_ONLY=1; shift; continue ;;
		-h | --help) usage ;;
		esac
		[[ $# -ge 2 ]] || usage
		case $1 in
		--modules) OPT_MODULES=$2 ;;
		--only) OPT_ONLY=$2 ;;
		--side) OPT_SIDE=$2 ;;
		--jobs) OPT_JOBS=$2 ;;
		--budget) OPT_BUDGET=$2 ;;
		--limit) OPT_LIMIT=$2 ;;
		*) usage ;;
		esac
		shift 2
	done
	[[ $OPT_SIDE =~ ^(hv|kvm_amd|both)$ ]] || usage
	[[ $OPT_JOBS =~ ^[12]$ && $OPT_BUDGET =~ ^[0-9]+$ && $OPT_LIMIT =~ ^[0-9]+$ ]] ||
		usage
	if [[ $OPT_BUILD_ONLY -eq 0 && $OPT_REPORT_ONLY -eq 0 && $OPT_SIDE != kvm_amd ]]; then
		[[ -n $OPT_MODULES ]] || die "--modules \"hv.ko hv-amd.ko\" is required"
		local m
		for m in $OPT_MODULES; do
			[[ -f $m ]] || die "module not found: $m"
		done
	fi
}

# ------------------------------------------------------------- build ----

# What building the selftests needs beyond what hvhost installs itself;
# libc6-dev brings the static libc.  apt-get only when one is missing.
ensure_build_deps() {
	local p missing=()
	for p in gcc make libc6-dev linux-libc-dev binutils; do
		[[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] ||
			missing+=("$p")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	msg "installing ${missing[*]}"
	local sudo=()
	[[ $(id -u) -eq 0 ]] || sudo=(sudo)
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -q -y \
		-o DPkg::Lock::Timeout=300 install --no-install-recommends "${missing[@]}" >&2 ||
		{ "${sudo[@]}" apt-get -q -o DPkg::Lock::Timeout=300 update >&2 &&
		  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -q -y \
			-o DPkg::Lock::Timeout=300 install --no-install-recommends "${missing[@]}" >&2; }
}

# The make command line for the kvm selftests, as an array in KMAKE.
# KHDR_INCLUDES: the system's uapi headers (linux-libc-dev is 6.1 on
# Debian 12), so no headers_install of a kernel tree is needed.  The
# sources stay unmodified; compat.h is force-included only to paper over
# what Debian's 6.1.y tree gets wrong with those headers (see there).
set_kmake() {
	local src=$1 cflags="-include $HERE/compat.h"
	# dirty_log_test uses TEST_ASSERT_EQ(), which test_util.h of 6.1.y
	# lacks (a stable backport needing a later helper).
	if grep -qs 'TEST_ASSERT_EQ' "$src/dirty_log_test.c" &&
	   ! grep -qs 'define TEST_ASSERT_EQ' "$src/include/test_util.h"; then
		cflags+=" -DKST_COMPAT_TEST_ASSERT_EQ"
	fi
	# TMPOUT: where tools/build's try-run probes the compiler, by default
	# a directory in the source tree (".tmp_<pid>"), which stays untouched.
	KMAKE=(make -C "$src" OUTPUT="$OUT/obj" KHDR_INCLUDES="-isystem /usr/include"
		USERLDFLAGS=-static EXTRA_CFLAGS="$cflags" TMPOUT="$OUT/obj/.tmp_\$\$\$\$")
}

# Build out of the source tree.  make does not notice changed flags or a
# new linux-source, so a stamp of both decides when to start afresh.
build_tests() {
	local ksrc src stamp
	ensure_build_deps
	if ! ksrc=$("$HVHOST" ksrc); then
		echo "Bail out! kvm-selftests: hvhost ksrc failed"
		exit 1
	fi
	src=$ksrc/tools/testing/selftests/kvm
	[[ -f $src/Makefile ]] || die "no KVM selftests in $ksrc"
	set_kmake "$src"
	stamp="$(cat "$ksrc/.hvhost-version" 2>/dev/null) $(cksum <"$HERE/compat.h") ${KMAKE[*]}"
	if [[ $(cat "$OUT/obj/.stamp" 2>/dev/null) != "$stamp" ]]; then
		rm -rf "$OUT/obj"
	fi
	mkdir -p "$OUT/obj"
	msg "building $src into $OUT/obj (log $OUT/build.log)"
	if ! "${KMAKE[@]}" -j"$(nproc)" >"$OUT/build.log" 2>&1; then
		tail -n 30 "$OUT/build.log" | sed 's/^/# /'
		echo "Bail out! kvm-selftests: build failed, log $OUT/build.log"
		exit 1
	fi
	echo "$stamp" >"$OUT/obj/.stamp"
	load_tests
}

# The test list, from the Makefile itself: lib.mk's emit_tests prints
# "COLLECTION:NAME" for TEST_GEN_PROGS (x86_64 plus the generic tests on
# this machine) and TEST_PROGS.
load_tests() {
	local name path mode why entry
	while IFS=: read -r _ name; do
		[[ -n $name ]] || continue
		TESTS+=("$name")
		LIMIT[$name]=$OPT_LIMIT
		MODE[$name]=run
		WHY[$name]=''
		for path in "$OUT/obj/x86_64/$name" "$OUT/obj/$name"; do
			[[ -x $path ]] && BIN[$name]=$path
		done
	done < <("${KMAKE[@]}" -s COLLECTION=kvm emit_tests)
	[[ ${#TESTS[@]} -gt 0 ]] || die "the Makefile lists no tests"
	for entry in "${SPECIAL[@]}"; do
		IFS='|' read -r name mode why <<<"$entry"
		[[ -n ${MODE[$name]:-} ]] || continue
		MODE[$name]=$mode
		WHY[$name]=$why
	done
	for name in "${TESTS[@]}"; do
		if [[ ${MODE[$name]} != exclude && -z ${BIN[$name]:-} ]]; then
			echo "Bail out! kvm-selftests: $name was not built"
			exit 1
		fi
	done
}

# ------------------------------------------------------------ payload ----

# Debug info makes the binaries 1.5 MB each; the test host does not need
# it (the guest code is loaded from the program headers).
strip_tests() {
	local name
	mkdir -p "$OUT/bin"
	for name in "${TESTS[@]}"; do
		[[ -n ${BIN[$name]:-} ]] || continue
		if [[ ! $OUT/bin/$name -nt ${BIN[$name]} ]]; then
			strip --strip-debug -o "$OUT/bin/$name" "${BIN[$name]}"
		fi
	done
}

# The tests each host side runs, in order: the normal ones, then the
# "last" ones.  --only and --slow select.
selected() {
	local name mode pass
	for pass in run last; do
		for name in "${TESTS[@]}"; do
			mode=${MODE[$name]}
			[[ $mode == slow && $OPT_SLOW -eq 1 ]] && mode=run
			[[ $mode == "$pass" ]] || continue
			[[ -z $OPT_ONLY || " $OPT_ONLY " == *" $name "* ]] || continue
			echo "$name"
		done
	done
}

# make_payload DIR SIDE TEST...: the directory hvhost boots.
make_payload() {
	local dir=$1 side=$2 name
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir/bin"
	cp "$HERE/payload.sh" "$dir/run.sh"
	echo "$side" >"$dir/side"
	for name in "$@"; do
		ln "$OUT/bin/$name" "$dir/bin/$name" 2>/dev/null ||
			cp "$OUT/bin/$name" "$dir/bin/$name"
		echo "$name ${LIMIT[$name]}"
	done >"$dir/tests"
}

# ---------------------------------------------------------- one boot ----

# The test the host is running now: the last KST-BEGIN in LOG when no
# KST-RESULT followed it.  The log is raw serial output (CR LF).
open_test() {
	{ grep -a -o -E 'KST-(BEGIN|RESULT): [^ ]+' "$1" 2>/dev/null || true; } |
		tr -d '\r' | tail -n 1 | sed -n 's/^KST-BEGIN: //p'
}

# Stop the emulator under hvhost PID, so that hvhost judges the log as
# for any run that ended early (kernel problems, no end marker).  Only if
# that emulator cannot be found is hvhost itself stopped.
stop_host() {
	local pid=$1 c comm
	local -a kids=()
	read -r -a kids <"/proc/$pid/task/$pid/children" 2>/dev/null || true
	for c in "${kids[@]}"; do
		comm=$(cat "/proc/$c/comm" 2>/dev/null) || continue
		if [[ $comm == qemu-system-* ]]; then
			kill -TERM "$c" 2>/dev/null || true
			return 0
		fi
	done
	kill -TERM "$pid" 2>/dev/null || true
}

# Wait for hvhost PID booting LOG.  Once a test runs, stop a stuck host
# (see STUCK_SECS) and write the test's name to STUCKF; tell why.
watch_host() {
	local pid=$1 log=$2 stuckf=$3 cur='' name since=$SECONDS
	local beats=0 now quiet=$SECONDS lim
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		now=$(grep -a -c 'KST-' "$log" 2>/dev/null) || now=0
		((now == beats)) || { beats=$now quiet=$SECONDS; }
		name=$(open_test "$log")
		if [[ $name != "$cur" ]]; then
			cur=$name since=$SECONDS
			continue
		fi
		[[ -n $cur && ! -s $stuckf ]] || continue
		lim=${LIMIT[$cur]:-$OPT_LIMIT}
		if ((SECONDS - quiet > STUCK_SECS)); then
			echo "$cur|host stuck: no heartbeat for $STUCK_SECS s, stopped" >"$stuckf"
		elif ((SECONDS - since > lim + STUCK_GRACE)); then
			echo "$cur|still running $STUCK_GRACE s after its $lim s limit, host stopped" >"$stuckf"
		else
			continue
		fi
		stop_host "$pid"
	done
	wait "$pid" 2>/dev/null || true
}

# Split the LOG of one boot into DIR/<test>.out: each test's own output,
# without the kernel's lines and the heartbeats.
split_log() {
	local log=$1 dir=$2
	awk -v dir="$dir" '
		{ sub(/\r$/, "") }
		/^\[ *[0-9]+\.[0-9]+\] / { next }
		/KST-ALIVE/ { gsub(/KST-ALIVE/, ""); if ($0 == "") next }
		match($0, /KST-BEGIN: [^ ]+/) {
			cur = substr($0, RSTART + 11, RLENGTH - 11)
			out = dir "/" cur ".out"
			printf "" > out
			next
		}
		match($0, /KST-(RESULT|STUCK): /) { if (out != "") close(out); out = ""; next }
		out != "" { print > out }
	' "$log"
}

# set_result SIDE TEST STATUS DETAIL: STATUS is pass, skip, fail,
# timeout, hang or notrun; DETAIL says why (empty for pass).
set_result() {
	printf '%s|%s\n' "$3" "$4" >"$RES/$1/$2.status"
}

# First lines of hvhost's own list of kernel problems in OUTF, if any.
kernel_problems() {
	sed -n '/^---- kernel problem reports/,/^----/{/^----/!p}' "$1"
}

# The test that was running when LOG printed its first kernel problem:
# the last KST-BEGIN before that line.
problem_test() {
	local log=$1 first=$2 n
	n=$(grep -a -n -F -x -- "$first" "$log" | head -n 1 | cut -d: -f1) || true
	[[ -n $n ]] || return 0
	head -n "$n" "$log" | { grep -a -o -E 'KST-BEGIN: [^ ]+' || true; } |
		tail -n 1 | cut -d' ' -f2
}

# hung SIDE TEST WHY: TEST hung its host.  Under TCG that happens at
# random even on kvm_amd, so the first time TEST goes to the end of the
# queue (RETRY names it); the second time it is the result.  Tests known
# to hang the host ("last") get one try.
hung() {
	local side=$1 name=$2 why=$3 f=$RES/$1/$2.hung
	if [[ -f $f ]]; then
		set_result "$side" "$name" hang "$why, as on the first try"
	elif [[ ${MODE[$name]} == last ]]; then
		set_result "$side" "$name" hang "$why"
	else
		echo "$why" >"$f"
		msg "$side: $name hung the host ($why); it runs again last"
		RETRY=$name
	fi
}

# fatal SIDE WHY: the harness failed on SIDE; reported at the end.
fatal() {
	echo "$2" >>"$RES/$1.fatal"
}

# run_boot SIDE N TEST...: boot once and record what finished.  Leaves
# the tests still to run in RES/SIDE.todo (empty when the host could not
# run tests at all: then it also calls fatal).
run_boot() {
	local side=$1 n=$2 dir log outf stuckf timeout=$BOOT_SECS name pid
	local status rc cs problems ptest verdict
	shift 2
	RETRY=''
	dir=$OUT/payload-$side
	log=$OUT/logs/$side-$n.log
	outf=$OUT/logs/$side-$n.out
	stuckf=$OUT/logs/$side-$n.stuck
	: >"$RES/$side.todo"
	make_payload "$dir" "$side" "$@"
	for name in "$@"; do
		timeout=$((timeout + ${LIMIT[$name]} + STUCK_GRACE))
	done
	((timeout <= BUDGET_END - SECONDS)) || timeout=$((BUDGET_END - SECONDS))
	: >"$stuckf"
	local -a how=(--with-kvm)
	# hv must not meet kvm_amd: the backends exclude each other.
	[[ $side == hv ]] && how=(--modules "$OPT_MODULES")
	msg "$side: boot $n, $# test(s), timeout $timeout s, log $log"
	"$HVHOST" run --host x86-svm --payload "$dir" "${how[@]}" \
		--timeout "$timeout" --log "$log" --name "kvm-selftests-$side-$n" \
		>"$outf" 2>&1 &
	pid=$!
	RUNNING=$pid
	watch_host "$pid" "$log" "$stuckf"
	RUNNING=''
	[[ -f $log ]] || : >"$log"
	verdict=$(grep -a '^hvhost: \(PASS\|FAIL\)' "$outf" | tail -n 1) || verdict=''
	msg "$side: boot $n: ${verdict:-hvhost gave no verdict, see $outf}"

	split_log "$log" "$RES/$side"
	while read -r name status rc cs; do
		[[ -n ${LIMIT[$name]:-} ]] || continue
		set_result "$side" "$name" "$status" "$rc $cs"
	done < <(grep -a -o -E 'KST-RESULT: [^ ]+ [a-z]+ [0-9]+ [0-9]+' "$log" | cut -d' ' -f2-)

	# A kernel problem: hvhost listed it; blame the test that was running.
	problems=$(kernel_problems "$outf")
	if [[ -n $problems ]]; then
		ptest=$(problem_test "$log" "$(head -n 1 <<<"$problems")")
		head -n 5 <<<"$problems" | sed "s/^/# kvm-selftests: $side: kernel: /"
		[[ -n $ptest ]] && echo "$problems" >"$RES/$side/$ptest.kernel"
		[[ $side == hv ]] &&
			fatal hv "the hv host's kernel reported a problem${ptest:+ during $ptest} (log $log)"
	fi
	if ! grep -aq 'KST-SIDE: ' "$log"; then
		fatal "$side" "the $side host could not set up the tests: ${verdict:-no verdict} (log $log)"
		return 0
	fi

	# The test in progress when the boot ended, if any, then the rest.
	name=$(open_test "$log")
	if [[ -n $name ]]; then
		if [[ -s $stuckf ]]; then
			hung "$side" "$name" "$(cut -d'|' -f2- "$stuckf")"
		elif grep -aq "KST-STUCK: $name" "$log"; then
			hung "$side" "$name" "unkillable after its ${LIMIT[$name]} s limit (stuck in the kernel)"
		elif [[ $verdict == *"host timed out"* ]]; then
			set_result "$side" "$name" notrun "time budget of $OPT_BUDGET s ran out"
		else
			hung "$side" "$name" "host ended during the test: ${verdict#*: }"
		fi
	fi
	for name in "$@"; do
		[[ -f $RES/$side/$name.status || $name == "$RETRY" ]] || echo "$name"
	done >"$RES/$side.todo"
	[[ -z $RETRY ]] || echo "$RETRY" >>"$RES/$side.todo"
}

# Stop the host being booted, if any, when the script ends early (bash
# does not pass the EXIT trap on to run_side's subshell: each sets it).
RUNNING=''
# shellcheck disable=SC2317 # called from traps only
stop_running() {
	[[ -n $RUNNING ]] && kill -TERM "$RUNNING" 2>/dev/null
	return 0
}

# All the selected tests on one side, resuming in a fresh host after a
# boot that ended early, for as long as the budget lasts.
run_side() {
	local side=$1 n=0 name start=$SECONDS
	local -a todo
	trap stop_running EXIT
	trap 'exit 130' INT TERM
	mapfile -t todo < <(selected)
	BUDGET_END=$((SECONDS + OPT_BUDGET))
	rm -rf "${RES:?}/$side" "$RES/$side.fatal"
	mkdir -p "$RES/$side"
	while [[ ${#todo[@]} -gt 0 ]]; do
		if ((BUDGET_END - SECONDS < BOOT_SECS)); then
			for name in "${todo[@]}"; do
				set_result "$side" "$name" notrun "time budget of $OPT_BUDGET s ran out"
			done
			break
		fi
		n=$((n + 1))
		run_boot "$side" "$n" "${todo[@]}"
		mapfile -t todo <"$RES/$side.todo"
	done
	echo "$((SECONDS - start))" >"$RES/$side.secs"
}

# ------------------------------------------------------------- report ----

# Why a test failed, from its output: the selftests' assertion report
# ("==== Test Assertion Failure ====", then "  file:line: expression",
# "  pid=...", then the message; a failed ioctl reads "KVM_FOO failed, rc:
# -1 errno: 25 (...)"), else the signal that killed it, else the last line.
fail_reason() {
	local out=$1 rc=$2 r
	r=$(awk '
		/==== Test Assertion Failure ====/ { a = 1; n = 0; next }
		a && ++n == 1 { loc = $1; sub(/:$/, "", loc); expr = $0; sub(/^ *[^ ]+ /, "", expr); next }
		a && /^  pid=/ { next }
		a && /^  [^ ]/ { m = $0; sub(/^ +/, "", m); exit }
		END {
			if (loc == "") exit
			if (m == "") m = "assertion failed: " expr
			print m " (" loc ")"
		}' "$out" 2>/dev/null) || true
	if [[ -z $r ]] && ((rc > 128)); then
		local -A sig=([4]=SIGILL [6]=SIGABRT [7]=SIGBUS [8]=SIGFPE [9]=SIGKILL [11]=SIGSEGV [14]=SIGALRM [15]=SIGTERM)
		r="killed by ${sig[$((rc - 128))]:-signal $((rc - 128))}"
	fi
	[[ -n $r ]] || r=$(grep -a -v '^[[:space:]]*$' "$out" 2>/dev/null | tail -n 1) || true
	echo "${r:-exit status $rc}"
}

# outcome SIDE TEST: "STATUS|REASON" for TEST on SIDE.  STATUS is pass,
# skip, fail, timeout, hang, notrun, kernel (a kernel problem report while
# it ran), excluded or unselected.
outcome() {
	local side=$1 name=$2 sf=$RES/$1/$2.status status detail rc cs r k
	if [[ ${MODE[$name]} == exclude ]]; then
		echo "excluded|${WHY[$name]}"
		return
	fi
	if [[ -z ${SELECTED[$name]:-} ]]; then
		if [[ ${MODE[$name]} == slow ]]; then
			echo "unselected|slow, --slow runs it: ${WHY[$name]}"
		else
			echo "unselected|not in --only"
		fi
		return
	fi
	if [[ $OPT_SIDE != both && $OPT_SIDE != "$side" ]]; then
		echo "unselected|--side $OPT_SIDE"
		return
	fi
	if [[ ! -f $sf ]]; then
		r=$(grep -m 1 'could not set up' "$RES/$side.fatal" 2>/dev/null ||
			head -n 1 "$RES/$side.fatal" 2>/dev/null) || r=''
		echo "notrun|${r:-never reached}"
		return
	fi
	IFS='|' read -r status detail <"$sf"
	read -r rc cs <<<"$detail"
	case $status in
	pass) r='' ;;
	skip)
		# ksft_exit_skip() prints "... # SKIP reason", print_skip()
		# "reason, skipping test".
		r=$(grep -a '# SKIP' "$RES/$side/$name.out" 2>/dev/null | tail -n 1 |
			sed 's/.*# SKIP *//; s/^- *//') || true
		[[ -n $r ]] || r=$(grep -a -v '^[[:space:]]*$' "$RES/$side/$name.out" 2>/dev/null |
			tail -n 1 | sed 's/, skipping test$//') || true
		r=${r:-exit status 4} ;;
	fail) r=$(fail_reason "$RES/$side/$name.out" "$rc") ;;
	timeout) r="killed after its ${LIMIT[$name]} s limit" ;;
	*) r=$detail ;;
	esac
	if [[ -f $RES/$side/$name.hung && $status != hang ]]; then
		r="${r:+$r; }first try hung the host: $(cat "$RES/$side/$name.hung")"
	fi
	if [[ -f $RES/$side/$name.kernel ]]; then
		# The headline of the report, not its "Call Trace:".
		k=$(grep -v -m 1 'Call Trace:' "$RES/$side/$name.kernel") ||
			k=$(head -n 1 "$RES/$side/$name.kernel")
		r="${k#*] } [test: $status${r:+: $r}]"
		status=kernel
	fi
	echo "$status|${r:0:200}"
}

# STATUS as the TAP lines and the table show it.
shown() {
	case $1 in
	unselected) echo "not run" ;;
	notrun) echo "not reached" ;;
	*) echo "$1" ;;
	esac
}

# pass / skip / fail bucket of a STATUS.
bucket() {
	case $1 in
	pass) echo pass ;;
	skip | excluded | unselected) echo skip ;;
	*) echo fail ;;
	esac
}

# The TAP lines, the summary, and RES/../results.{txt,rst}.
report() {
	local n=0 name hv kv hs hr ks kr line k
	local -A cnt=()
	local rst=$OUT/results.rst txt=$OUT/results.txt
	printf '%s\n' '.. list-table::' '   :header-rows: 1' '' \
		'   * - test' '     - hv' '     - kvm_amd' >"$rst"
	: >"$txt"
	for name in "${TESTS[@]}"; do
		n=$((n + 1))
		hv=$(outcome hv "$name")
		kv=$(outcome kvm_amd "$name")
		hs=${hv%%|*} hr=${hv#*|} ks=${kv%%|*} kr=${kv#*|}
		cnt[hv-$(bucket "$hs")]=$((${cnt[hv-$(bucket "$hs")]:-0} + 1))
		cnt[kv-$(bucket "$ks")]=$((${cnt[kv-$(bucket "$ks")]:-0} + 1))
		line="kvm-selftests: $name"
		k="(kvm_amd: $(shown "$ks")"
		[[ -f $RES/kvm_amd/$name.hung && $ks != hang ]] && k+=", retried after a hang"
		k+=")"
		case $hs in
		pass) echo "ok $n - $line${hr:+ ($hr)} $k" ;;
		skip) echo "ok $n - $line # SKIP $hr $k" ;;
		excluded) echo "ok $n - $line # SKIP excluded: $hr" ;;
		unselected) echo "ok $n - $line # SKIP not run: $hr $k" ;;
		*) echo "not ok $n - $line # $(shown "$hs"): $hr $k" ;;
		esac
		hs=$(shown "$hs") ks=$(shown "$ks")
		# Excluded and unselected tests: the reason once is enough.
		[[ $ks == excluded || $ks == "not run" ]] && [[ $kr == "$hr" ]] && kr=''
		printf '%s\t%s%s\t%s%s\n' "$name" "$hs" "${hr:+: $hr}" "$ks" "${kr:+: $kr}" >>"$txt"
		printf '   * - %s\n     - %s%s\n     - %s%s\n' "$name" \
			"$hs" "${hr:+: \`\`$hr\`\`}" "$ks" "${kr:+: \`\`$kr\`\`}" >>"$rst"
	done
	echo "1..$n"
	echo "kvm-selftests on hv: ${cnt[hv-pass]:-0} passed, ${cnt[hv-fail]:-0} failed," \
		"${cnt[hv-skip]:-0} skipped; on kvm_amd: ${cnt[kv-pass]:-0} passed," \
		"${cnt[kv-fail]:-0} failed, ${cnt[kv-skip]:-0} skipped"
}

main() {
	local side start=$SECONDS failed=0
	local -a sides=() pids=()
	parse_args "$@"
	trap 'stop_running; kill ${pids[*]} 2>/dev/null; exit 130' INT TERM
	RES=$OUT/results
	mkdir -p "$OUT/logs" "$RES"
	echo "TAP version 13"
	build_tests
	if [[ $OPT_BUILD_ONLY -eq 1 ]]; then
		msg "built ${#TESTS[@]} tests in $OUT/obj"
		echo "1..0 # SKIP --build-only"
		return 0
	fi
	strip_tests
	for side in $(selected); do
		SELECTED[$side]=1
	done
	[[ $OPT_SIDE == kvm_amd ]] || sides+=(hv)
	[[ $OPT_SIDE == hv ]] || sides+=(kvm_amd)
	for side in "${sides[@]}"; do
		if [[ $OPT_REPORT_ONLY -eq 1 ]]; then
			continue
		elif [[ $OPT_JOBS -eq 2 ]]; then
			run_side "$side" &
			pids+=($!)
		else
			run_side "$side"
		fi
	done
	for side in "${pids[@]}"; do
		wait "$side" || { msg "a host side ended with an error"; failed=1; }
	done
	report
	for side in "${sides[@]}"; do
		msg "$side host(s): $(cat "$RES/$side.secs" 2>/dev/null || echo '?') s"
	done
	msg "total $((SECONDS - start)) s; table in $OUT/results.txt, logs in $OUT/logs"
	for side in "${sides[@]}"; do
		[[ -s $RES/$side.fatal ]] || continue
		sed "s/^/# kvm-selftests: harness failure: /" "$RES/$side.fatal"
		failed=1
	done
	return "$failed"
}

main "$@"; exit
