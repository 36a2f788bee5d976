#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check the emulator's test data and decoder against GNU binutils.

1. Every vector of emulate_vectors.c whose text is an instruction is
   assembled again with GNU as; the bytes must be the vector's.
2. Every valid "raw:" vector is disassembled with objdump; objdump's length
   of the first instruction must be the vector's length.
3. "emulate_test --dump N" prints random instructions the decoder accepts,
   with its length; objdump must find the same length.

Needs as, objcopy and objdump (binutils).  Development aid, not part of
"make check": the tests themselves need no assembler.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

MODES = {
    # vector mode / dump mode: (as directive, objdump machine)
    'R16': ('.code16', 'i8086'), 'real': ('.code16', 'i8086'),
    'P16': ('.code16', 'i8086'), 'prot16': ('.code16', 'i8086'),
    'P32': ('.code32', 'i386'), 'prot32': ('.code32', 'i386'),
    'L64': ('.code64', 'i386:x86-64'), 'long64': ('.code64', 'i386:x86-64'),
}

VECTOR_RE = re.compile(
    r'^\tVS?\(([RPL](?:16|32|64)), (.*?),\s*"((?:[^"\\]|\\.)*)",\s*'
    r'((?:0x[0-9a-f]{2},?\s*)+)\)',
    re.S | re.M)

# objdump prints prefixes it cannot attach as instructions of their own.
PREFIXES = re.compile(
    r'^((data16|data32|addr16|addr32|rex(\.[WRXB]+)?|lock|rep[a-z]*|'
    r'[c-gs]s|xacquire|xrelease|bnd|notrack)\s*)+$')

PAD = b'\x90' * 16  # resynchronises objdump after each sample

LEGACY = set(b'\x26\x2e\x36\x3e\x64\x65\x66\x67\xf0\xf2\xf3')


def drop_misplaced_rex(mode, data):
    """Remove REX bytes that a prefix follows: (bytes, how many removed).

    A REX not immediately before the opcode is ignored (SDM Vol. 2, 2.2.1),
    and only it: the legacy prefixes around it still apply, as an AMD EPYC
    shows for 66 and 67.  objdump instead prints such a REX as an
    instruction of its own ("addr32 rex.RX") and restarts decoding after
    it, forgetting the prefixes before; so give it the bytes without.
    """
    if mode not in ('L64', 'long64'):
        return data, 0
    out = bytearray()
    i = 0
    while i < len(data):
        byte = data[i]
        if byte not in LEGACY and byte & 0xf0 != 0x40:
            break
        nxt = data[i + 1] if i + 1 < len(data) else None
        if byte & 0xf0 == 0x40 and nxt is not None and \
                (nxt in LEGACY or nxt & 0xf0 == 0x40):
            i += 1
            continue
        out.append(byte)
        i += 1
    out += data[i:]
    return bytes(out), len(data) - len(out)


def assemble(tmp, mode, text):
    src = os.path.join(tmp, 'a.s')
    obj = os.path.join(tmp, 'a.o')
    raw = os.path.join(tmp, 'a.bin')
    with open(src, 'w') as f:
        f.write('.intel_syntax noprefix\n%s\n%s\n' % (MODES[mode][0], text))
    r = subprocess.run(['as', '--64', '-o', obj, src], capture_output=True,
                       text=True)
    if r.returncode or r.stderr.strip():
        return None, r.stderr.strip()
    subprocess.run(['objcopy', '-O', 'binary', '-j', '.text', obj, raw],
                   check=True)
    with open(raw, 'rb') as f:
        return f.read(), ''


def objdump_lengths(tmp, mode, samples):
    """objdump's length of the instruction at the start of each sample."""
    blob = b''
    starts = []
    dropped = []
    for s in samples:
        s, n = drop_misplaced_rex(mode, s)
        starts.append(len(blob))
        dropped.append(n)
        blob += s + PAD
    path = os.path.join(tmp, 'blob.bin')
    with open(path, 'wb') as f:
        f.write(blob)
    out = subprocess.run(['objdump', '-D', '-b', 'binary', '-m',
                          MODES[mode][1], '--insn-width=16', path],
                         capture_output=True, text=True, check=True).stdout
    lines = []
    for line in out.splitlines():
        m = re.match(r'^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$', line)
        if m:
            lines.append((int(m.group(1), 16), len(m.group(2).split()),
                          m.group(3).strip()))
    by_offset = {off: i for i, (off, _, _) in enumerate(lines)}
    result = []
    for start, extra in zip(starts, dropped):
        i = by_offset.get(start)
        if i is None:
            result.append((None, 'objdump lost sync'))
            continue
        while i < len(lines) and PREFIXES.match(lines[i][2]):
            i += 1
        if i == len(lines) or '(bad)' in lines[i][2]:
            result.append((None, lines[i][2] if i < len(lines) else 'end'))
            continue
        off, n, text = lines[i]
        result.append((off + n - start + extra, text))
    return result


def check_vectors(tmp, path):
    with open(path) as f:
        source = f.read()
    vectors = VECTOR_RE.findall(source)
    failed = 0
    raw = {}
    for mode, exp, text, data in vectors:
        want = bytes(int(x, 16) for x in re.findall(r'0x([0-9a-f]{2})', data))
        if text.startswith('raw:'):
            if not exp.startswith('ERR('):
                raw.setdefault(mode, []).append((text, want))
            continue
        got, err = assemble(tmp, mode, text)
        if got != want:
            failed += 1
            print('FAIL vector %s "%s": as gives %s%s' %
                  (mode, text, got.hex(' ') if got else '-', err))
    nraw = 0
    for mode, items in raw.items():
        lengths = objdump_lengths(tmp, mode, [b for _, b in items])
        for (text, want), (n, dis) in zip(items, lengths):
            nraw += 1
            if n != len(want):
                failed += 1
                print('FAIL vector %s "%s": objdump length %s (%s), want %d'
                      % (mode, text, n, dis, len(want)))
    print('vectors: %d assembled, %d raw measured, %d failed' %
          (len(vectors) - nraw, nraw, failed))
    return len(vectors), failed


def check_dump(tmp, test, count, seed):
    out = subprocess.run([test, '--dump', str(count), '--seed', str(seed)],
                         capture_output=True, text=True, check=True).stdout
    samples = {}
    for line in out.splitlines():
        mode, data, n = line.split()
        samples.setdefault(mode, []).append((bytes.fromhex(data), int(n)))
    failed = 0
    for mode, items in samples.items():
        lengths = objdump_lengths(tmp, mode, [b for b, _ in items])
        for (data, n), (want, dis) in zip(items, lengths):
            if n != want:
                failed += 1
                if failed <= 50:
                    print('FAIL random %s %s: length %d, objdump %s (%s)' %
                          (mode, data.hex(' '), n, want, dis))
    print('random: %d decoded, %d failed' % (count, failed))
    return count, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--vectors', required=True)
    ap.add_argument('--test', required=True, help='emulate_test binary')
    ap.add_argument('--count', type=int, default=20000)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        n1, f1 = check_vectors(tmp, args.vectors)
        n2, f2 = check_dump(tmp, args.test, args.count, args.seed)
    failed = f1 + f2
    print('%d passed, %d failed' % (n1 + n2 - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
