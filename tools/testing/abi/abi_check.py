#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Prove that hv's uapi headers have KVM's ABI.

hv's <linux/hv.h> and <asm/hv.h> must match the build machine's
<linux/kvm.h> and <asm/kvm.h> name for name, after renaming kvm_x -> hv_x,
KVM_X -> HV_X, __KVM_X -> __HV_X and KVMIO -> HVIO (plus the irregular
pairs in hv-only.txt).  Everything is discovered from the headers, so new
structs and constants are checked without touching this script:

 structs  every struct/union tag our headers define must have a kvm
          counterpart; both are dumped with "pahole -E" from DWARF, the
          members flattened (anonymous ones included, expanded nested
          types included) and compared by path, type, offset, bit offset
          and size, plus the total size.  Then a generated C program
          re-checks every sizeof/offsetof with the compiler, on both
          sides, which also proves the pahole parse.
 names    every macro our headers define and every enumerator must have
          a counterpart.  Object-like ones are compared by value and
          type in a generated C program, empty ones must be empty on
          both sides, function-like ones by their replacement text.

Exit status 0 when everything matches, 1 on a mismatch, 2 when the check
itself could not run.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Names whose counterpart is not found by prefix mapping; see hv-only.txt.
ALLOWLIST = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         'hv-only.txt')

HV_HEADERS = ('include/uapi/linux/hv.h', 'arch/%s/include/uapi/asm/hv.h')


class CheckError(Exception):
    """The check could not run (missing tool, compile error, ...)."""


def kvm_to_hv(text):
    """Rename KVM identifiers in text the way hv's headers do."""
    text = re.sub(r'\b__KVM_', '__HV_', text)
    text = re.sub(r'\bKVM_', 'HV_', text)
    text = re.sub(r'\bkvm_', 'hv_', text)
    return re.sub(r'\bKVMIO\b', 'HVIO', text)


def hv_to_kvm(name):
    """The KVM name an hv name maps to, or None if it has no prefix."""
    for hv, kvm in (('__HV_', '__KVM_'), ('HV_', 'KVM_'), ('hv_', 'kvm_')):
        if name.startswith(hv):
            return kvm + name[len(hv):]
    return None


# Prefix for running the compiled checkers (--exec): an emulator for a
# cross compiler's programs, e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu".
EXEC = []


def run(cmd, **kw):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, **kw)
    except FileNotFoundError:
        raise CheckError('cannot run %s (not installed?)' % cmd[0])
    if p.returncode:
        raise CheckError('%s failed:\n%s%s' % (' '.join(cmd), p.stdout,
                                               p.stderr))
    return p.stdout


def load_allowlist(path):
    """hv name -> kvm name, or None for hv-only names."""
    names = {}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.split('#', 1)[0].split()
            if not line:
                continue
            if len(line) != 2:
                raise CheckError('%s:%d: want "HV_NAME KVM_NAME|-"' %
                                 (path, lineno))
            names[line[0]] = None if line[1] == '-' else line[1]
    return names


# ---------------------------------------------------------------------
# Preprocessor view: macros, enumerators and struct tags per header

LINEMARK = re.compile(r'^# (\d+) "([^"]*)"')
DEFINE = re.compile(r'^#define (\w+)(\([^)]*\))?(?: (.*))?$')


def scan_headers(cc, cflags, include, wanted):
    """Macros, enumerators and tags defined in the files wanted() accepts.

    Returns (macros, enums, tags): macros maps name to (params, body)
    with params None for object-like macros; enums and tags are sets.
    """
    src = '#include <%s>\n' % include
    out = run(cc + cflags + ['-E', '-dD', '-x', 'c', '-'], input=src)
    macros, code, cur = {}, [], ''
    for line in out.splitlines():
        m = LINEMARK.match(line)
        if m:
            cur = m.group(2)
            continue
        if not wanted(cur):
            continue
        m = DEFINE.match(line)
        if m:
            macros[m.group(1)] = (m.group(2), (m.group(3) or '').strip())
        elif not line.startswith('#'):
            code.append(line)
    code = '\n'.join(code)
    enums = set()
    for body in re.findall(r'\benum\b\s*\w*\s*\{([^}]*)\}', code):
        for item in body.split(','):
            m = re.match(r'\s*([A-Za-z_]\w*)', item)
            if m:
                enums.add(m.group(1))
    tags = set(re.findall(r'\b(?:struct|union)\s+(\w+)\s*\{', code))
    return macros, enums, tags


# ---------------------------------------------------------------------
# DWARF view: pahole -E output flattened to one entry per member

SUMMARY_SIZE = re.compile(r'/\* size: (\d+),')
COMMENT_ONLY = re.compile(r'^\s*/\*.*\*/\s*$')
TYPEDEF_NOTE = re.compile(r'/\* typedef (\w+) \*/\s*')
OPEN = re.compile(r'^\s*(struct|union)(?:\s+(\w+))?\s*\{\s*$')
OFFSIZE = r'/\*\s*(\d+)(?::\s*(\d+))?\s+(\d+)\s*\*/\s*$'
CLOSE = re.compile(r'^\s*\}\s*([^;]*);\s*' + OFFSIZE)
UNNAMED_BITFIELD = re.compile(r'^\s*[\w ]+\s:\d+;')
MEMBER = re.compile(r'^\s*(.*?)\s*(\**)\s*(\w+)((?:\[\d*\])*)(?::(\d+))?;\s*' +
                    OFFSIZE)


class Entry:
    """One member: a leaf or a (possibly anonymous) struct/union."""

    def __init__(self, name, kind, off, bit, size, bits=None):
        self.name = name        # 'cs', 'entries[]', '{union#1}' ...
        self.kind = kind        # leaf type, or 'struct tag' / 'union'
        self.off, self.bit, self.size, self.bits = off, bit, size, bits
        self.children = []
        self.anon = name.startswith('{')

    def flatten(self, prefix=''):
        path = prefix + self.name
        yield path, self
        for c in self.children:
            yield from c.flatten(path + '.')


def splice_flex(entry):
    """Undo __DECLARE_FLEX_ARRAY: struct { struct {} __empty_x; T x[]; }.

    It has the layout of a plain "T x[]", which is what hv writes.
    """
    kids = entry.children
    if (entry.anon and entry.kind == 'struct' and len(kids) == 2 and
            kids[0].name.startswith('__empty_') and
            kids[1].name == kids[0].name[len('__empty_'):] + '[]'):
        return kids[1]
    return entry


def parse_pahole(text):
    """{tag: (size, [Entry])} from pahole -E output."""
    structs = {}
    stack = []              # [Entry] being filled; stack[0] is top level
    anon = []               # anonymous member counters, per level
    size = None
    for raw in text.splitlines():
        line = TYPEDEF_NOTE.sub(lambda m: m.group(1) + ' ', raw)
        if not line.strip():
            continue
        if COMMENT_ONLY.match(line):
            m = SUMMARY_SIZE.search(line)
            if m and len(stack) == 1:
                size = int(m.group(1))
            continue
        m = OPEN.match(line)
        if m:
            kind = m.group(1) + (' ' + m.group(2) if m.group(2) else '')
            stack.append(Entry('', kind, None, None, None))
            anon.append(0)
            continue
        if re.match(r'^\}\s*;\s*$', line) and len(stack) == 1:
            top = stack.pop()
            anon.pop()
            if size is None:
                raise CheckError('pahole gave no size for %s' % top.kind)
            structs[top.kind.split()[-1]] = (size, top.children)
            size = None
            continue
        m = CLOSE.match(line)
        if m and len(stack) > 1:
            e = stack.pop()
            anon.pop()
            name = m.group(1).strip()
            if not name:
                anon[-1] += 1
                name = '{%s#%d}' % (e.kind.split()[0], anon[-1])
            e.name, e.anon = name, name.startswith('{')
            e.off, e.bit, e.size = (int(m.group(2)), m.group(3),
                                    int(m.group(4)))
            flex = splice_flex(e)
            if flex is not e:
                anon[-1] -= 1   # number later anonymous members as hv does
            stack[-1].children.append(flex)
            continue
        if UNNAMED_BITFIELD.match(line):
            # pahole's guess at padding ("Force alignment"), not DWARF
            continue
        m = MEMBER.match(line)
        if m and stack:
            ctype = ' '.join((m.group(1) + ' ' + m.group(2)).split())
            stack[-1].children.append(
                Entry(m.group(3) + m.group(4), ctype, int(m.group(6)),
                      m.group(7), int(m.group(8)), m.group(5)))
            continue
        raise CheckError('cannot parse pahole line: %r' % raw)
    if stack:
        raise CheckError('truncated pahole output')
    return structs


def pahole(tool, obj, names):
    if not names:
        return {}
    return parse_pahole(run([tool, '-E', '-C', ','.join(sorted(names)), obj]))


def c_path(path):
    """C member designator for a flattened path, or None if it has none.

    Anonymous members are transparent in C; members below an array are
    looked up in element 0.
    """
    parts = path.split('.')
    out = []
    for i, p in enumerate(parts):
        if p.startswith('{'):
            if i == len(parts) - 1:
                return None
            continue
        name, _, _ = p.partition('[')
        out.append(name + ('[0]' if '[' in p and i < len(parts) - 1 else ''))
    return '.'.join(out)


# ---------------------------------------------------------------------

class Report:
    def __init__(self, verbose):
        self.passed = self.failed = 0
        self.verbose = verbose
        self.counts = {'structs': 0, 'fields': 0, 'cross': 0, 'names': 0,
                       'allowed': 0}

    def ok(self, what=None):
        self.passed += 1
        if self.verbose and what:
            print('ok   ' + what)

    def fail(self, what):
        self.failed += 1
        print('FAIL ' + what)


def compare_structs(rep, hv_structs, kvm_structs, kvm_raw, pairs):
    """Compare flattened DWARF layouts; return entries to cross-check."""
    cross = []
    for hv, kvm in pairs:
        rep.counts['structs'] += 1
        if hv not in hv_structs or kvm not in kvm_structs:
            rep.fail('struct %s: no DWARF for %s' %
                     (hv, hv if hv not in hv_structs else kvm))
            continue
        hsize, hent = hv_structs[hv]
        ksize, kent = kvm_structs[kvm]
        if hsize != ksize:
            rep.fail('struct %s: sizeof %d, struct %s: %d' %
                     (hv, hsize, kvm, ksize))
        else:
            rep.ok('struct %s: sizeof %d' % (hv, hsize))
        hflat = [x for e in hent for x in e.flatten()]
        kflat = [x for e in kent for x in e.flatten()]
        # Same structure, so the unrenamed dump lines up entry by entry.
        kraw = [x for e in kvm_raw[kvm][1] for x in e.flatten()]
        kpos = {p: i for i, (p, _) in enumerate(kflat)}
        hpaths = set(p for p, _ in hflat)
        # Member order, counted among the members both sides have.
        hrank = {p: i for i, p in enumerate(p for p, _ in hflat if p in kpos)}
        krank = {p: i for i, p in enumerate(p for p, _ in kflat
                                            if p in hpaths)}
        for path, h in hflat:
            rep.counts['fields'] += 1
            what = '%s.%s' % (hv, path)
            if path not in kpos:
                rep.fail('%s: not in struct %s' % (what, kvm))
                continue
            j = kpos[path]
            k = kflat[j][1]
            diffs = []
            for attr, label in (('kind', 'type'), ('off', 'offset'),
                                ('bit', 'bit offset'), ('size', 'size'),
                                ('bits', 'bit width')):
                a, b = getattr(h, attr), getattr(k, attr)
                if a != b:
                    diffs.append('%s %s, kvm %s' % (label, a, b))
            if hrank[path] != krank[path] and not diffs:
                diffs.append('declared in a different order')
            if diffs:
                rep.fail('%s: %s' % (what, '; '.join(diffs)))
                continue
            rep.ok('%s: offset %d size %d' % (what, h.off, h.size))
            hc, kc = c_path(path), c_path(kraw[j][0])
            if hc and kc and h.bits is None:
                cross.append((hv, kvm, hc, kc, h.off, h.size,
                              path.endswith('[]')))
        for path, _ in kflat:
            if path not in hpaths:
                rep.counts['fields'] += 1
                rep.fail('%s.%s: missing (struct %s has it)' %
                         (hv, path, kvm))
    return cross


def run_checks(rep, cc, cflags, tmp, name, body):
    """Compile and run generated checks; each prints "ok ..." or "FAIL ..."."""
    src = os.path.join(tmp, name + '.c')
    with open(src, 'w') as f:
        f.write('#include <stddef.h>\n#include <stdio.h>\n'
                '#include <linux/hv.h>\n#include <linux/kvm.h>\n\n'
                '/* for HV_COALESCED_MMIO_MAX */\n'
                '#ifndef PAGE_SIZE\n#define PAGE_SIZE 4096\n#endif\n'
                '/* arm64 <asm/kvm.h> sizes its vGIC frames with the\n'
                '   kernel-only SZ_64K: userspace defines it */\n'
                '#ifndef SZ_64K\n#define SZ_64K 0x10000\n#endif\n\n'
                'static void chk(const char *what, int same_type,\n'
                '\t\tunsigned long long a, unsigned long long b)\n{\n'
                '\tif (a != b)\n'
                '\t\tprintf("FAIL %s: %#llx != %#llx\\n", what, a, b);\n'
                '\telse if (!same_type)\n'
                '\t\tprintf("FAIL %s: both %#llx, types differ\\n",\n'
                '\t\t       what, a);\n'
                '\telse\n\t\tprintf("ok %s\\n", what);\n}\n\n'
                'int main(void)\n{\n')
        for line in body:
            f.write('\t' + line + '\n')
        f.write('\treturn 0;\n}\n')
    exe = os.path.join(tmp, name)
    run(cc + cflags + ['-w', '-o', exe, src])
    for line in run(EXEC + [exe]).splitlines():
        if line.startswith('ok '):
            rep.ok(line[3:])
        else:
            rep.fail(line[5:])


def cross_check(rep, cc, cflags, tmp, pairs, cross):
    """Recompute every size and offset with the compiler, on both sides.

    This checks the pahole parse as much as the headers: each number
    compared above must be what the compiler says, for hv and for kvm.
    """
    body = ['chk("sizeof(struct %s) == sizeof(struct %s)", 1, '
            'sizeof(struct %s), sizeof(struct %s));' % (h, k, h, k)
            for h, k in pairs]
    for hv, kvm, hp, kp, off, size, flex in cross:
        for tag, p in ((hv, hp), (kvm, kp)):
            body.append('chk("offsetof(%s, %s) == %d", 1, '
                        'offsetof(struct %s, %s), %d);' %
                        (tag, p, off, tag, p, off))
            if not flex:
                body.append('chk("sizeof(%s.%s) == %d", 1, '
                            'sizeof(((struct %s *)0)->%s), %d);' %
                            (tag, p, size, tag, p, size))
    rep.counts['cross'] = len(body)
    run_checks(rep, cc, cflags, tmp, 'cross', body)


def compare_names(rep, cc, cflags, tmp, hv, kvm, allow):
    """Every hv macro and enumerator against its KVM counterpart."""
    hv_macros, hv_enums, hv_tags = hv
    kvm_macros, kvm_enums, _ = kvm
    body = []
    for name in sorted(set(hv_macros) | hv_enums):
        if name in allow:
            other = allow[name]
            if other is None:
                rep.counts['allowed'] += 1
                continue
        else:
            other = hv_to_kvm(name)
        rep.counts['names'] += 1
        if other is None or (other not in kvm_macros and
                             other not in kvm_enums):
            rep.fail('%s: no %s in <linux/kvm.h>; list hv-only names in %s' %
                     (name, other or 'counterpart',
                      os.path.basename(ALLOWLIST)))
            continue
        hdef = hv_macros.get(name)
        kdef = kvm_macros.get(other)
        if (hdef and hdef[0]) or (kdef and kdef[0]):
            # function-like: same parameters, same body once renamed
            def norm(d, f):
                return d and tuple(' '.join(f(x or '').split()) for x in d)
            if norm(hdef, str) != norm(kdef, kvm_to_hv):
                rep.fail('%s%s is "%s", but %s%s is "%s"' %
                         (name, hdef and hdef[0] or '', hdef and hdef[1],
                          other, kdef and kdef[0] or '', kdef and kdef[1]))
            else:
                rep.ok(name)
            continue
        # An ioctl number over a structure this architecture does not
        # define (x86's on arm64, as in <linux/kvm.h>): it has no value
        # here, so compare the definitions once renamed.
        undef = [t for t in re.findall(r'\bstruct\s+(hv_\w+)',
                                       hdef and hdef[1] or '')
                 if t not in hv_tags]
        if undef:
            if ' '.join(hdef[1].split()) != \
                    ' '.join(kvm_to_hv(kdef and kdef[1] or '').split()):
                rep.fail('%s is "%s", but %s is "%s"' %
                         (name, hdef[1], other, kdef and kdef[1]))
            else:
                rep.ok(name + ' (text: no struct %s here)' % undef[0])
            continue
        hempty = hdef is not None and hdef[1] == ''
        kempty = kdef is not None and kdef[1] == ''
        if hempty or kempty:
            if hempty != kempty:
                rep.fail('%s is defined empty, %s is not' %
                         ((name, other) if hempty else (other, name)))
            else:
                rep.ok(name + ' (empty)')
            continue
        body.append('chk("%s == %s", __builtin_types_compatible_p('
                    '__typeof__(%s), __typeof__(%s)), '
                    '(unsigned long long)(%s), (unsigned long long)(%s));' %
                    (name, other, name, other, name, other))
    run_checks(rep, cc, cflags, tmp, 'names', body)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--hv-root', default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
    ap.add_argument('--cc', default='gcc', help='C compiler command')
    ap.add_argument('--arch', default='x86',
                    help='arch/ARCH/include/uapi holds <asm/hv.h>')
    ap.add_argument('--pahole', default='pahole')
    ap.add_argument('--exec', default='',
                    help='command prefix to run the compiled checkers')
    ap.add_argument('--kvm-include', action='append', default=[],
                    help='directory searched first for <linux/kvm.h>')
    ap.add_argument('--keep', metavar='DIR',
                    help='keep generated sources and objects in DIR')
    ap.add_argument('--missing', action='store_true',
                    help='list KVM names hv does not mirror, then exit')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()

    root = os.path.realpath(args.hv_root)
    arch = args.arch
    ours = set(os.path.realpath(os.path.join(root, h.replace('%s', arch)))
               for h in HV_HEADERS)
    for h in ours:
        if not os.path.exists(h):
            raise CheckError('%s: not found (wrong HV_ROOT?)' % h)
    cc = args.cc.split()
    EXEC[:] = args.exec.split()
    cflags = ['-I' + d for d in args.kvm_include]
    cflags += ['-I' + os.path.join(root, 'include/uapi'),
               '-I' + os.path.join(root, 'arch', arch, 'include/uapi')]

    def is_ours(f):
        return os.path.realpath(f) in ours if f.endswith('hv.h') else False

    def is_kvm(f):
        return f.endswith(('/linux/kvm.h', '/asm/kvm.h'))

    allow = load_allowlist(ALLOWLIST)
    hv = scan_headers(cc, cflags, 'linux/hv.h', is_ours)
    kvm = scan_headers(cc, cflags, 'linux/kvm.h', is_kvm)
    if not kvm[0]:
        raise CheckError('no <linux/kvm.h> found (install linux-libc-dev '
                         'or pass --kvm-include)')

    if args.missing:
        mirrored = set(allow.get(n) or hv_to_kvm(n)
                       for n in set(hv[0]) | hv[1] | hv[2])
        for n in sorted(set(kvm[0]) | kvm[1] | kvm[2]):
            if n not in mirrored:
                print(n)
        return 0

    tmp = args.keep or tempfile.mkdtemp(prefix='hv-abi.')
    os.makedirs(tmp, exist_ok=True)
    try:
        rep = Report(args.verbose)
        pairs = []
        for tag in sorted(hv[2]):
            other = allow[tag] if tag in allow else hv_to_kvm(tag)
            if tag in allow and other is None:
                rep.counts['allowed'] += 1
            elif other is None or other not in kvm[2]:
                rep.counts['structs'] += 1
                rep.fail('struct %s: no struct %s in <linux/kvm.h>; an '
                         'hv-only struct belongs in %s' %
                         (tag, other or '(none)', os.path.basename(ALLOWLIST)))
            else:
                pairs.append((tag, other))

        objs = {}
        for side, inc in (('hv', 'linux/hv.h'), ('kvm', 'linux/kvm.h')):
            src = os.path.join(tmp, side + '.c')
            with open(src, 'w') as f:
                f.write('#include <%s>\n' % inc)
            objs[side] = os.path.join(tmp, side + '.o')
            run(cc + cflags + ['-g', '-fno-eliminate-unused-debug-types',
                               '-c', '-o', objs[side], src])
        hv_structs = pahole(args.pahole, objs['hv'], [h for h, _ in pairs])
        knames = [k for _, k in pairs]
        kvm_raw = pahole(args.pahole, objs['kvm'], knames)
        kvm_structs = parse_pahole(kvm_to_hv(
            run([args.pahole, '-E', '-C', ','.join(sorted(knames)),
                 objs['kvm']])))
        # Renaming changes the tags; key the renamed dump by kvm name.
        kvm_structs = {k: kvm_structs[kvm_to_hv(k)] for k in knames
                       if kvm_to_hv(k) in kvm_structs}

        cross = compare_structs(rep, hv_structs, kvm_structs, kvm_raw, pairs)
        cross_check(rep, cc, cflags, tmp, pairs, cross)
        compare_names(rep, cc, cflags, tmp, hv, kvm, allow)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    c = rep.counts
    print('abi: %d structs, %d fields (%d compiler cross-checks), '
          '%d macros/enumerators checked; %d hv-only names allowlisted' %
          (c['structs'], c['fields'], c['cross'], c['names'], c['allowed']))
    print('%d passed, %d failed' % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except CheckError as e:
        print('abi: error: %s' % e, file=sys.stderr)
        sys.exit(2)
