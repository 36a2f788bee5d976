#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The bad-input battery (errno_battery.c) against hv and against Linux's
# kvm_amd in one boot of the x86-svm test host.  Every case must give the
# same result on both, except the differences listed in
# known-differences with their reasons.
#
#   run.sh --modules "virt/hv/hv.ko arch/x86/hv/svm/hv-amd.ko"
#
# Exit status: 0 when both results agree (up to the listed differences)
# and the host kernel stayed clean, 1 otherwise, 2 on a usage error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
HVHOST=$REPO/tools/testing/hosts/hvhost
OUT=${BUILD:-$REPO/build}/robust

modules=
while [[ $# -gt 0 ]]; do
	case $1 in
	--modules) modules=$2; shift 2 ;;
	*) echo "usage: run.sh --modules \"hv.ko hv-amd.ko\"" >&2; exit 2 ;;
	esac
done
[[ -n $modules ]] || { echo "run.sh: --modules is required" >&2; exit 2; }

payload=$OUT/payload
rm -rf "$payload" && mkdir -p "$payload"
gcc -static -O2 -Wall -I"$REPO/include/uapi" -I"$REPO/arch/x86/include/uapi" \
	-o "$payload/errno_battery" "$HERE/errno_battery.c"
grep -v '^#' "$HERE/known-differences" | grep . >"$payload/known" || true
cat >"$payload/run.sh" <<'EOT'
cd /payload || exit 1
insmod /hv/modules/hv.ko && insmod /hv/modules/hv-amd.ko || exit 1
./errno_battery --dev /dev/hv >/tmp/hv.txt || { cat /tmp/hv.txt; exit 1; }
rmmod hv-amd && rmmod hv || exit 1
modprobe kvm_amd || exit 1
./errno_battery --dev /dev/kvm >/tmp/kvm.txt || { cat /tmp/kvm.txt; exit 1; }
# One line per case: "ok", or "not ok" with both results; a difference
# listed in ./known is "ok # known: reason".
awk -F': ' '
	FILENAME == "known" { split($0, k, "\t"); why[k[1]] = k[2]; next }
	FILENAME == "/tmp/hv.txt" { hv[$1] = $2; order[++n] = $1; next }
	{ kvm[$1] = $2 }
	END {
		bad = 0
		for (i = 1; i <= n; i++) {
			c = order[i]
			if (hv[c] == kvm[c])
				printf "ok %d %s: %s\n", i, c, hv[c]
			else if (c in why)
				printf "ok %d %s: hv %s, kvm %s # known: %s\n", i, c, hv[c], kvm[c], why[c]
			else {
				printf "not ok %d %s: hv %s, kvm %s\n", i, c, hv[c], kvm[c]
				bad++
			}
		}
		printf "robust: %d cases, %d differ from kvm_amd without a listed reason\n", n, bad
		exit bad != 0
	}' known /tmp/hv.txt /tmp/kvm.txt
EOT
exec "$HVHOST" run --host x86-svm --with-kvm --payload "$payload" \
	--modules "$modules" --name robust
