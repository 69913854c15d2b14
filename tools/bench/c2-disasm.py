#!/usr/bin/env python3
"""Disassembles C2's code for one method without hsdis.

HotSpot prints a compiled method's code as hex words when no disassembler plugin is installed (Debian's
libhsdis0-fcml exports only the old decode_instructions entry point, which JDK 25 does not call). This
takes that output and hands the bytes of the last C2 compile to objdump, so a kernel's inner loop can be
read instruction by instruction (that is how the 16-bit vector shifts by a count register were found).

usage:
  java ... -XX:+UnlockDiagnosticVMOptions '-XX:CompileCommand=print,dev.hearth.tensor.Q4KOps$Vectorized::twoRows' \\
       ... > out.txt 2>&1          # any program that runs the method long enough for C2
  tools/bench/c2-disasm.py out.txt > loop.asm
Prints Intel syntax with offsets from the method's start; needs binutils' objdump.
"""
import re
import subprocess
import sys
import tempfile


def last_c2_bytes(lines):
    starts = [i for i, line in enumerate(lines) if line.startswith('Compiled method (c2)')]
    if not starts:
        sys.exit('c2-disasm: no "Compiled method (c2)" in the input (did C2 compile the method?)')
    code, base = bytearray(), None
    for line in lines[starts[-1]:]:
        if line.startswith('[Exception Handler]') or line.startswith('[Stub Code]'):
            break
        m = re.match(r'\s*0x([0-9a-f]+): ((?:[0-9a-f]{2,8} ?\|? ?)+)$', line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        if base is None:
            base = addr
        gap = addr - (base + len(code))
        if gap > 0:  # a hole between printed ranges: pad so offsets stay true
            code += b'\x90' * gap
        code += bytes.fromhex(re.sub(r'[\s|]', '', m.group(2)))
    return lines[starts[-1]], code


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], errors='replace') as f:
        header, code = last_c2_bytes(f.read().split('\n'))
    with tempfile.NamedTemporaryFile(suffix='.bin') as tmp:
        tmp.write(code)
        tmp.flush()
        out = subprocess.run(['objdump', '-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel', tmp.name],
                             capture_output=True, text=True, check=True).stdout
    print('#', header.strip())
    for line in out.split('\n'):
        parts = line.split('\t')
        if len(parts) >= 3:
            print(parts[0].strip(), parts[2], sep='\t')


if __name__ == '__main__':
    main()
