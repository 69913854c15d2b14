#!/usr/bin/env bash
# End-to-end check of editors/illume.vim in a headless Vim: a stub llama.cpp /infill server
# streams a runaway generation (the true middle, then another function); IllumeInfill() on a
# line of a C file must leave exactly the true middle in the buffer. Needs vim and python3.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/stub.py" <<'PY'
import http.server, json, sys, time
middle = "    for (int i = 0; i < n; i++) {\n        s += a[i];\n    }"
runaway = middle + "\n    return s;\n}\n\nint product(const int *a, int n) {\n    int p = 1;\n    return p;\n}\n" * 3
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200); self.send_header("content-type", "text/event-stream"); self.end_headers()
        try:
            for i in range(0, len(runaway), 3):
                self.wfile.write(b"data: " + json.dumps({"content": runaway[i:i+3]}).encode() + b"\n\n")
                self.wfile.flush(); time.sleep(0.005)
        except (BrokenPipeError, ConnectionResetError):
            pass
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$work/stub.py" > "$work/port" & server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
printf '!api http://127.0.0.1:%s/\nint sum(const int *a, int n) {\n    int s = 0;\n    return s;\n}\n' "$port" > "$work/sum.c"
# cursor on "int s = 0;" (line 3): the middle goes on a new line below it
timeout 120 vim -N -u NONE -i NONE --not-a-term -c "source $here/illume.vim" -c 'call cursor(3, 1)' \
  -c 'call IllumeInfill()' -c 'sleep 8' -c "w! $work/out.c" -c 'qa!' "$work/sum.c" > /dev/null 2>&1
expected=$(printf '!api http://127.0.0.1:%s/\nint sum(const int *a, int n) {\n    int s = 0;\n    for (int i = 0; i < n; i++) {\n        s += a[i];\n    }\n    return s;\n}\n' "$port")
if [ "$(cat "$work/out.c")" == "$expected" ]; then
  echo "vim infill: ok"
else
  echo "vim infill: FAILED"; diff <(echo "$expected") "$work/out.c" || true; exit 1
fi
