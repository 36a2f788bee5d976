#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvfuzz (hvfuzz.c) in one boot of a test host: against hv for
# --seconds, then hv-amd and hv must unload (no VM left behind), then
# against Linux's kvm_amd for --kvm-seconds as a sanity check of the
# fuzzer itself (0: skip).  The host's detectors (panic_on_warn,
# slub_debug, hung tasks...) fail the run on any kernel report.
#
#   run.sh --modules "virt/hv/hv.ko arch/x86/hv/svm/hv-amd.ko" \
#          [--seconds 120] [--kvm-seconds 30] [--seed N] [--threads N] \
#          [--host x86-svm] [--name fuzz] [--hv-args "--program-seed X"] \
#          [--host-args "--one-tcg-thread"]
#
# Without --seed the seed is random; it is printed either way.  Exit
# status: 0 clean, 1 a failure (of hv, of the host, or of kvm), 2 usage.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
HVHOST=$REPO/tools/testing/hosts/hvhost
OUT=${BUILD:-$REPO/build}/fuzz

modules= seconds=120 kvm_seconds=30 seed= threads=3 host=x86-svm name=fuzz
hv_args= host_args=
usage() {
	echo "usage: run.sh --modules \"hv.ko backend.ko\" [--seconds S] [--kvm-seconds S] [--seed N] [--threads N] [--host H] [--name N] [--hv-args A] [--host-args A]" >&2
	exit 2
}
while [[ $# -gt 0 ]]; do
	[[ $# -ge 2 ]] || usage
	case $1 in
	--modules) modules=$2 ;;
	--seconds) seconds=$2 ;;
	--kvm-seconds) kvm_seconds=$2 ;;
	--seed) seed=$2 ;;
	--threads) threads=$2 ;;
	--host) host=$2 ;;
	--name) name=$2 ;;
	--hv-args) hv_args=$2 ;;
	--host-args) host_args=$2 ;;
	*) usage ;;
	esac
	shift 2
done
[[ -n $modules ]] || usage
[[ -n $seed ]] || seed=$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')
echo "fuzz: seed $seed, hv $seconds s, kvm $kvm_seconds s on $host"

payload=$OUT/payload-$name
rm -rf "$payload" && mkdir -p "$payload"
gcc -static -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	-pthread -I"$REPO/include/uapi" -I"$REPO/arch/x86/include/uapi" \
	-o "$payload/hvfuzz" "$HERE/hvfuzz.c" 2>&1 |
	{ grep -v 'statically linked' || true; }
[[ -x $payload/hvfuzz ]]

read -r -a mods <<<"$modules"
inner=""
for m in "${mods[@]}"; do
	inner+="insmod /hv/modules/$(basename "$m") || exit 1"$'\n'
done
rmmods=""
for ((i = ${#mods[@]} - 1; i >= 0; i--)); do
	b=$(basename "${mods[$i]}" .ko)
	rmmods+="rmmod ${b//-/_} || { echo 'fuzz: rmmod $b failed: a VM was not freed'; exit 1; }"$'\n'
done
kvm_mod=kvm_amd
[[ $host == x86-vmx ]] && kvm_mod=kvm_intel

cat >"$payload/run.sh" <<EOT
cd /payload || exit 1
# Swap, so that page-out advice does something.
if modprobe zram num_devices=1 2>/dev/null &&
	echo 128M >/sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null &&
	swapon /dev/zram0; then
	echo "fuzz: swap on zram0"
fi
$inner
./hvfuzz --dev /dev/hv --seed $seed --seconds $seconds --threads $threads $hv_args
r=\$?
echo "fuzz: hvfuzz on hv exited \$r"
[ \$r -eq 0 ] || exit 1
$rmmods
echo "fuzz: hv unloaded"
if [ "$kvm_seconds" != 0 ]; then
	modprobe $kvm_mod || exit 1
	./hvfuzz --dev /dev/kvm --hold-vm --seed $seed --seconds $kvm_seconds --threads $threads
	r=\$?
	echo "fuzz: hvfuzz on kvm exited \$r"
	[ \$r -eq 0 ] || exit 1
fi
exit 0
EOT
# Boot, fuzzing, the memory check and the kvm run, with room to spare.
timeout=$((seconds + kvm_seconds + 240))
kvm=()
[[ $kvm_seconds != 0 ]] && kvm=(--with-kvm)
read -r -a extra <<<"$host_args"
exec "$HVHOST" run --host "$host" "${kvm[@]}" "${extra[@]}" --kmods zram \
	--payload "$payload" --modules "$modules" --name "$name" \
	--timeout "$timeout"
