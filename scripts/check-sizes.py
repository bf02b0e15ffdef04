#!/usr/bin/env python3
# Size limits: no source file over 800 lines and no function over 120 lines, counting only the
# code before a file's `#[cfg(test)]` module. Prints every offender and exits 1 if there is one.
# Run from the repository root.
import os
import re
import sys

FILE_LIMIT = 800
FN_LIMIT = 120
# The grammar's tables are exempt from the file limit (not from the function limit).
FILE_EXEMPT = {os.path.join('src', 'domain', 'command', 'table.rs')}

over = False
for d, _, fs in os.walk('src'):
    for f in sorted(fs):
        if not f.endswith('.rs'):
            continue
        p = os.path.join(d, f)
        lines = open(p).read().split('\n')
        end = next((i for i, l in enumerate(lines) if l.startswith('#[cfg(test)]')), len(lines))
        code = lines[:end]
        if len(code) > FILE_LIMIT and p not in FILE_EXEMPT:
            print('FILE', len(code), p)
            over = True
        i = 0
        while i < len(code):
            m = re.match(r'^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?fn\s+(\w+)', code[i])
            if not m:
                i += 1
                continue
            ind = len(m.group(1))
            j = i
            while j < len(code) and not code[j].rstrip().endswith(('{', ';')):
                j += 1
            if j < len(code) and code[j].rstrip().endswith(';'):
                i = j + 1
                continue
            k = j + 1
            while k < len(code) and code[k].rstrip() != ' ' * ind + '}':
                k += 1
            if k - i + 1 > FN_LIMIT:
                print('FN', k - i + 1, p, m.group(6))
                over = True
            i = k + 1
sys.exit(1 if over else 0)
