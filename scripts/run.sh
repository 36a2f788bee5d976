#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make run": build hv against Debian 12's kernel, boot the x86-svm test
# host (QEMU TCG, AMD-V with nested paging), load hv and hv-amd there and
# run hvdemo, a tiny VMM whose guest prints a line.  hv is never loaded
# on this machine.
set -euo pipefail

cd "$(dirname "$0")/.."
HV_ROOT=$PWD
BUILD=${BUILD:-$HV_ROOT/build}
HVHOST=$HV_ROOT/tools/testing/hosts/hvhost
payload=$BUILD/payload-run

KDIR=$("$HVHOST" kdir)
echo "hv: building modules against $KDIR"
make -s -C "$KDIR" M="$HV_ROOT" modules
rm -rf "$payload" && mkdir -p "$payload"
gcc -static -O2 -Wall -Iinclude/uapi -Iarch/x86/include/uapi \
	-o "$payload/hvdemo" tools/hv/hvdemo.c
cat >"$payload/run.sh" <<'EOT'
insmod /hv/modules/hv.ko && insmod /hv/modules/hv-amd.ko || exit 1
dmesg | grep -e "hv: " -e "hv-amd: "
/payload/hvdemo
EOT
echo "hv: booting the x86-svm test host"
exec "$HVHOST" run --timeout ${HV_RUN_TIMEOUT:-300} --host x86-svm --payload "$payload" --name run \
	--modules "virt/hv/hv.ko arch/x86/hv/svm/hv-amd.ko"
