#!/bin/bash
# nn serve, through a client written in python3's socket module: answers
# equal predict's (a dense, a convolutional and a table model, instances as
# arrays and as objects by column name), each bad request's status (0-byte
# body, truncated JSON, a 100 MB body refused before it is read, wrong
# column count, NaN, unknown model and path, methods, HTTP/1.0 and 2.0,
# pipelined requests, no Content-Length, a huge head, too many rows),
# slow clients (40) that hold no worker and are closed at --timeout, SIGHUP
# reloading a replaced model under load (no request lost, no answer mixed;
# a broken file keeps the old model), and SIGTERM answering a request under
# way and exiting 0.
# Usage: tests/serve.sh [path/to/nn]   (prints PASS/FAIL/SKIP lines and a summary)
set -u
NN=${1:-./nn}
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
D=$top/data
if ! command -v python3 >/dev/null; then
    skip "every serve test" "python3 is not installed (the test client)" "python3"
    summary serve
    exit
fi

# the models: dense and convolutional on the 8x8 digits, a table with column names
tail -n +1 "$D/digits.csv" | head -300 >train.csv
cut -d, -f1-64 "$D/digits.csv" | head -60 >rows.csv
"$NN" train --train train.csv --label-col last --layers 64-20-10 --epochs 3 --quiet --out dense.bin &&
    "$NN" train --train train.csv --label-col last --layers 64-12-10 --epochs 2 --seed 7 --quiet --out other.bin &&
    "$NN" train --train train.csv --label-col last --layers 1x8x8-4c3-mp2-10 --epochs 1 --quiet --out conv.bin &&
    "$NN" train --train "$D/cars.csv" --label-col Origin --ignore Name --epochs 3 --quiet --out cars.bin &&
    "$NN" train --train "$D/cars.csv" --label-col Origin --ignore Name --category Cylinders --epochs 1 --quiet --out cars_cat.bin &&
    awk -F, 'BEGIN { OFS = "," } { for (i = 1; i < NF; i++) $i = $i * 16; print }' train.csv >train255.csv &&
    "$NN" train --train train255.csv --label-col last --layers 64-10-10 --epochs 1 --quiet --out big.bin ||
    { bad "training the models to serve"; summary serve; exit 1; }
head -31 "$D/cars.csv" >cars30.csv
for m in dense other conv; do "$NN" predict $m.bin rows.csv --format json --probs >$m.want || bad "predict $m"; done
"$NN" predict cars.bin cars30.csv --format json --probs >cars.want || bad "predict cars"
cp dense.bin live.bin
# numbers written every way JSON allows, the same text as CSV for predict; rows that predict refuses
python3 - <<'PYEOF' || bad "writing the spelled rows"
X = [l.split(",") for l in open("rows.csv").read().split()]
forms = [lambda v: "%d" % v, lambda v: "%.1f" % v, lambda v: "%e" % v, lambda v: "%.3E" % v, lambda v: "%de-2" % (v * 100),
         lambda v: "%d.000000000000000000000001" % v, lambda v: "-0" if v == 0 else "%d" % v, lambda v: "%.20g" % (v / 3)]
rows = [[forms[(i + j) % len(forms)](float(x)) for j, x in enumerate(r)] for i, r in enumerate(X)]
open("spelled.csv", "w").write("".join(",".join(r) + "\n" for r in rows))
open("spelled.json", "w").write('{"instances":[' + ",".join("[" + ",".join(r) + "]" for r in rows) + "]}")
open("spelled1.json", "w").write("\n".join('{"instances":[[' + ",".join(r) + "]]}" for r in rows))
open("huge.csv", "w").write(",".join(["3e38"] * 64) + "\n")
open("wide.csv", "w").write(",".join(["1"] * 63) + ",4e38\n")
PYEOF
"$NN" train --train train.csv --target last --layers 64-1 --output linear --epochs 3 --quiet --out lin.bin || bad "training a linear model"
"$NN" predict dense.bin spelled.csv --format json --probs >spelled.want || bad "predict spelled.csv"
"$NN" predict lin.bin huge.csv 2>huge.err >/dev/null && bad "predict of an output beyond a float: exit 0"
"$NN" predict dense.bin wide.csv 2>wide.err >/dev/null && bad "predict of 4e38: exit 0"
python3 -c "print('\n'.join([','.join(['8'] * 64)] * 4 + [','.join(['1000'] * 64)]))" >late.csv
python3 -c "print('\n'.join([','.join(['0.5'] * 64)] * 4 + [','.join(['16'] * 64)]))" >early.csv
"$NN" predict dense.bin late.csv 2>late.err >/dev/null
"$NN" predict dense.bin early.csv 2>early.err >/dev/null
grep -q "go up to 1000" late.err && ! grep -q warning early.err || bad "predict's scale warnings: $(cat late.err early.err)"

# start NAME ARGS...: nn serve in the background, its address in $addr, pid in $pid, stderr in NAME.err
start() {
    local name=$1
    shift
    "$NN" serve "$@" --listen 127.0.0.1:0 2>"$name.err" &
    pid=$!
    wait_for "$name.err" "serving on" || { bad "$name: nn serve did not start: $(head -c 300 "$name.err")"; return 1; }
    addr=$(sed -n 's/^nn: serving on \([0-9.]*:[0-9]*\).*/\1/p' "$name.err")
}

cat >client.py <<'EOF'
import json, os, signal, socket, sys, threading, time
host, port = sys.argv[1].split(":"); port = int(port); what = sys.argv[2]
def say(ok, msg): print(("PASS " if ok else "FAIL ") + " ".join(msg.split()), flush=True)
def conn():
    s = socket.create_connection((host, port), timeout=10); return s
def read_answer(s, buf=b"", is_head=False):
    """one answer from s: (status, headers dict, body, rest of buf); status 0 if closed"""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d: return 0, {}, b"", buf
        buf += d
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    st = int(lines[0].split()[1])
    if st == 100: return read_answer(s, buf)
    h = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
    n = 0 if is_head else int(h.get("content-length", "0"))
    while len(buf) < n:
        d = s.recv(65536)
        if not d: break
        buf += d
    return st, h, buf[:n], buf[n:]
def req(method, path, body=None, extra="", version="1.1"):
    s = conn()
    b = body.encode() if isinstance(body, str) else body
    msg = "%s %s HTTP/%s\r\nHost: t\r\n%s" % (method, path, version, extra)
    if b is not None: msg += "Content-Length: %d\r\n" % len(b)
    s.sendall(msg.encode() + b"\r\n" + (b or b""))
    r = read_answer(s, b"", method == "HEAD"); s.close(); return r
def post(model, obj): return req("POST", "/v1/models/%s:predict" % model, json.dumps(obj))
def rows(path): return [[float(v) for v in l.split(",")] for l in open(path).read().split()]
def want(path): return b'{"predictions":[' + b",".join(open(path, "rb").read().split(b"\n")[:-1]) + b"]}\n"
def err(st, body):
    try: return st >= 400 and isinstance(json.loads(body)["error"], str)
    except Exception: return False

if what == "answers":
    X = rows("rows.csv")
    for m in ["dense", "conv"]:
        st, h, body, _ = post(m, {"instances": X})
        say(st == 200 and body == want(m + ".want"), "%s model: the answers to 60 instances are predict --format json --probs's, byte for byte" % m)
    st, h, body, _ = post("dense", {"instances": [[X[0][i*8:(i+1)*8] for i in range(8)]]})
    say(st == 200 and json.loads(body)["predictions"][0] == json.loads(open("dense.want").readline()), "an instance as nested arrays (8 rows of 8) is flattened in C order")
    import csv
    recs = list(csv.DictReader(open("cars30.csv")))
    inst = [{k: (v if k == "Name" else (float(v) if v not in ("", "NA") else None)) for k, v in r.items() if k != "Origin"} for r in reversed(recs)]
    st, h, body, _ = post("cars", {"instances": inst})
    ok = st == 200 and [json.dumps(p, separators=(",", ":")) for p in reversed(json.loads(body)["predictions"])] == open("cars.want").read().split("\n")[:-1]
    say(ok, "table model: instances as objects by column name (members in any order, the label absent) answered as predict answers the CSV rows")
    st, h, body, _ = post("cars", {"instances": [[1, 2, 3]]})
    say(err(st, body) and st == 400, "table model: a row of the wrong width is 400: %s" % body[:100])
    st, h, body, _ = post("dense", {"instances": [{"a": 1}]})
    say(st == 400 and b"no column names" in body, "a model without column names refuses objects: %s" % body[:100])
    st, h, body, _ = post("dense", {"instances": []})
    say(st == 200 and json.loads(body) == {"predictions": []}, "no instances: no predictions")
    # objects must all have every column: alone or beside a whole one, an object without one is a 400
    whole = inst[0]
    part = {k: v for k, v in whole.items() if k != "Horsepower"}
    codes = [post("cars", {"instances": i}) for i in ([part], [whole, part], [part, whole])]
    say([c[0] for c in codes] == [400] * 3 and b"Horsepower" in codes[0][2] and b"instance 1 has no member 'Horsepower'" in codes[1][2],
        "an object without a column is 400 alone and beside whole ones: %s / %s" % (codes[0][2][:110], codes[1][2][:90]))
    nul = dict(whole, Horsepower=None)
    st, h, body, _ = post("cars", {"instances": [nul]})
    j = json.loads(body) if st == 200 else {}
    say(st == 200 and j.get("warnings") == ["1 missing value filled in with the training means"] and "warnings" not in json.loads(post("cars", {"instances": [whole]})[2]),
        "a null is a missing value, filled in, and the answer's \"warnings\" says so (predict's stderr note): %s" % body[-90:])
    odd = dict(whole, Cylinders=7)
    st, h, body, _ = post("cars_cat", {"instances": [odd]})
    j = json.loads(body) if st == 200 else {}
    say(st == 200 and len(j.get("warnings", [])) == 1 and "not seen in training" in j["warnings"][0] and "'7' in column" in j["warnings"][0],
        "a category not seen in training: \"warnings\" names it: %s" % body[-140:])
    st, h, body, _ = post("big", {"instances": [[v / 256 for v in X[0]], [v / 256 for v in X[1]]]})
    j = json.loads(body) if st == 200 else {}
    say(st == 200 and len(j.get("warnings", [])) == 1 and "big divides its inputs by 256" in j["warnings"][0] and "warnings" not in json.loads(post("big", {"instances": [[v * 16 for v in X[0]]]})[2]),
        "inputs scaled already (up to 1 for a model that divides by 256): \"warnings\" says so, as predict does on stderr: %s" % body[-150:])
    for name, inst1 in [("ragged", [[0] * 7, [0] * 9] + [[0] * 8] * 6), ("arrays beside values", [0, [0] * 63]), ("an empty array among values", [[]] + [0] * 64)]:
        st, h, body, _ = post("dense", {"instances": [inst1]})
        say(st == 400 and err(st, body), "a nested instance %s (64 values in all) is 400: %s" % (name, body[:110]))
    st, h, body, _ = req("GET", "/v1/models")
    j = json.loads(body) if st == 200 else {}
    say([m["name"] for m in j.get("models", [])] == ["dense", "conv", "cars", "cars_cat", "big"] and j["models"][2]["task"] == "classification" and "columns" in j["models"][2],
        "GET /v1/models: each model's name and nn info --json's fields")
    st, h, body, _ = req("GET", "/v1/models/conv")
    say(st == 200 and json.loads(body)["input_shape"] == [1, 8, 8], "GET /v1/models/NAME")
    st, h, body, _ = req("GET", "/healthz")
    say(st == 200 and json.loads(body)["status"] == "ok", "GET /healthz")
    st, h, body, _ = req("HEAD", "/healthz")
    say(st == 200 and body == b"" and int(h["content-length"]) > 0, "HEAD /healthz: the GET's Content-Length, no body")

elif what == "errors":
    X = rows("rows.csv")
    cases = [
        ("a 0-byte body", req("POST", "/v1/models/dense:predict", ""), 400),
        ("truncated JSON", req("POST", "/v1/models/dense:predict", '{"instances": [[1, 2'), 400),
        ("not JSON", req("POST", "/v1/models/dense:predict", "instances=1,2"), 400),
        ("no instances member", req("POST", "/v1/models/dense:predict", '{"inputs": [[1]]}'), 400),
        ("a wrong column count", post("dense", {"instances": [X[0][:63]]}), 400),
        ("NaN", req("POST", "/v1/models/dense:predict", '{"instances": [[NaN' + ",0" * 63 + "]]}"), 400),
        ("NaN as a string", post("dense", {"instances": [["NaN"] + [0] * 63]}), 400),
        ("an unknown model", post("nosuch", {"instances": [X[0]]}), 404),
        ("an unknown path", req("GET", "/v2/models"), 404),
        ("GET of :predict", req("GET", "/v1/models/dense:predict"), 405),
        ("DELETE of a model", req("DELETE", "/v1/models/dense"), 405),
        ("POST without Content-Length", req("POST", "/v1/models/dense:predict", None), 411),
        ("a chunked body", req("POST", "/v1/models/dense:predict", None, "Transfer-Encoding: chunked\r\n"), 411),
        ("too many instances", post("dense", {"instances": [X[0]] * 1001}), 413),
        ("a 20 KB header", req("GET", "/healthz", None, "X-Big: " + "a" * 20000 + "\r\n"), 431),
        ("HTTP/2.0", req("GET", "/healthz", None, "", "2.0"), 505),
    ]
    for name, (st, h, body, _), code in cases:
        say(st == code and err(st, body), "%s: %d %s" % (name, st, body[:90].decode("utf-8", "replace")))
    # a 100 MB body: 413 at once, before the body is sent
    s = conn(); t0 = time.time()
    s.sendall(b"POST /v1/models/dense:predict HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n" + b"[" * 65536)
    st, h, body, _ = read_answer(s)
    say(st == 413 and time.time() - t0 < 2 and h.get("connection") == "close" and b"a body of 100000000 bytes: this server takes" in body,
        "a 100 MB body is refused with 413 before it is sent, saying the sizes (%.2f s): %s" % (time.time() - t0, body[:90]))
    s.close()
    # Expect: 100-continue: the go-ahead for a prediction of a model served, the answer at once for anything else
    one = json.dumps({"instances": [X[0]]}).encode()
    s = conn(); s.sendall(b"POST /v1/models/dense:predict?v=1 HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(one))
    cont = b""
    while b"\r\n\r\n" not in cont and len(cont) < 100:
        d = s.recv(100 - len(cont))
        if not d: break
        cont += d
    st1 = 100 if cont == b"HTTP/1.1 100 Continue\r\n\r\n" else 0
    s.sendall(one)
    st2, h, body, _ = read_answer(s)
    say(st1 == 100 and st2 == 200 and body == b'{"predictions":[' + open("dense.want", "rb").readline().rstrip(b"\n") + b"]}\n",
        "Expect: 100-continue (a query in the path): 100, then the body, then the answer (%d, %d)" % (st1, st2))
    s.close(); s = conn()
    s.sendall(b"POST /v1/models/nosuch:predict HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(one))
    st, h, body, _ = read_answer(s)
    s.settimeout(3)
    say(st == 404 and err(st, body) and h.get("connection") == "close" and s.recv(10) == b"",
        "Expect: 100-continue to a model not served: 404 at once, without the body, and closed: %s" % body[:80])
    s.close(); s = conn()
    s.sendall(b"POST /v1/models/dense:predict HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(one))
    s.settimeout(0.3)
    try: early = s.recv(100)
    except socket.timeout: early = b""
    s.settimeout(10); s.sendall(one)
    st, h, body, _ = read_answer(s)
    say(early == b"" and st == 200, "HTTP/1.0 with Expect: no 100 (the expectation is ignored), the answer after the body (%r, %d)" % (early[:20], st))
    s.close()
    # a model's name percent-encoded in the path
    st, h, body, _ = req("POST", "/v1/models/d%65n%73e:predict", json.dumps({"instances": [X[0]]}))
    st2, h2, body2, _ = req("GET", "/v1/models/d%zzense")
    st3, h3, body3, _ = req("GET", "/v1/models/zz%41")
    say(st == 200 and json.loads(body)["predictions"][0] == json.loads(open("dense.want").readline()) and st2 == 404 and b"'zzA'" in body3,
        "a model's name percent-encoded in the path (d%%65n%%73e is dense; %%zz names none: %d; an unknown one said decoded: %s)" % (st2, body3[:60]))
    # HTTP/1.0: closed after the answer, unless keep-alive is asked
    s = conn(); s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
    st, h, body, rest = read_answer(s)
    say(st == 200 and s.recv(10) == b"", "HTTP/1.0: answered, then closed")
    s.close(); s = conn()
    s.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    st1 = read_answer(s)[0]
    s.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    st2, h, _, _ = read_answer(s)
    say(st1 == 200 and st2 == 200 and h.get("connection") == "keep-alive", "HTTP/1.0 with Connection: keep-alive: two requests on one connection")
    s.close()
    # pipelined: three requests in one write, answered in order, then an error that closes
    s = conn()
    bodies = [json.dumps({"instances": [X[i]]}).encode() for i in range(3)]
    s.sendall(b"".join(b"POST /v1/models/%s:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (m, len(b), b) for m, b in zip([b"dense", b"conv", b"dense"], bodies)) +
              b"GET /healthz HTTP/1.1\r\n\r\n")
    lines = {m: open(m + ".want").read().split("\n") for m in ["dense", "conv"]}
    got, rest = [], b""
    for k in range(4):
        st, h, body, rest = read_answer(s, rest); got.append((st, body))
    ok = [g[0] for g in got] == [200] * 4 and all(json.loads(got[k][1])["predictions"][0] == json.loads(lines[m][k]) for k, m in enumerate(["dense", "conv", "dense"]))
    say(ok, "pipelined requests (three predictions and a GET in one write) answered in order on one connection")
    s.close()
    # a bad instance is a 400 that keeps the connection: the requests after it are answered
    s = conn()
    reqs = [json.dumps({"instances": [X[0]]}), json.dumps({"instances": [[1]]}), json.dumps({"instances": [X[1]]})]
    s.sendall(b"".join(b"POST /v1/models/dense:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(b), b.encode()) for b in reqs))
    got, rest = [], b""
    for k in range(3):
        st, h, body, rest = read_answer(s, rest); got.append(st)
    say(got == [200, 400, 200], "a 400 for a wrong width keeps the connection: the pipelined request after it is answered (%s)" % got)
    s.close()

elif what == "concurrent":
    # one-row requests from 16 connections at once (a worker answers waiting ones together): each answer is predict's for its row
    X = rows("rows.csv")
    lines = {m: [json.loads(l) for l in open(m + ".want").read().split("\n")[:-1]] for m in ["dense", "conv"]}
    bad, count = [], [0]
    def client(k):
        s = conn(); rest = b""
        for r in range(40):
            i = (k * 7 + r) % len(X); m = ["dense", "conv"][(k + r) % 2]
            body = json.dumps({"instances": [X[i]]}).encode()
            s.sendall(b"POST /v1/models/%s:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (m.encode(), len(body), body))
            st, h, b, rest = read_answer(s, rest)
            count[0] += 1
            if st != 200 or json.loads(b)["predictions"] != [lines[m][i]]: bad.append((k, r, st, b[:80]))
        s.close()
    th = [threading.Thread(target=client, args=(k,)) for k in range(16)]
    for t in th: t.start()
    for t in th: t.join()
    say(not bad and count[0] == 640, "640 one-row requests from 16 connections at once, two models: each answer is predict's for its row (%s)" % (bad[:2] or "all"))

elif what == "numbers":
    # arrays of numbers are read straight into floats: each answer must be what predict's reader makes of the same text
    body = open("spelled.json").read()
    st, h, b, _ = req("POST", "/v1/models/dense:predict", body)
    say(st == 200 and b == want("spelled.want"), "60 instances of numbers written every way JSON allows (1e-2, 1.600E+01, -0, 25 digits): predict's answers to the same text as CSV, byte for byte")
    lines = [json.loads(l) for l in open("spelled.want").read().split("\n")[:-1]]
    singles = open("spelled1.json").read().split("\n")
    bad = []
    def client(k):
        s = conn(); rest = b""
        for i in range(k, len(singles), 8):
            b1 = singles[i].encode() if i % 5 else singles[i].replace("[[", '[["', 1).replace(",", '",', 1).encode() # (some with a string: read as text)
            s.sendall(b"POST /v1/models/dense:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(b1), b1))
            st, h, b, rest = read_answer(s, rest)
            if st != 200 or json.loads(b)["predictions"] != [lines[i]]: bad.append((i, st, b[:80]))
        s.close()
    th = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in th: t.start()
    for t in th: t.join()
    say(not bad, "one-row requests at once, some with a number given as a string (read as text), answered together: each is predict's answer (%s)" % (bad[:2] or "all"))
    def msg(f): return open(f).read().strip().split("\n")[-1].split(": ", 2)[-1]
    ones = "[" + ",".join(["1"] * 64) + "]"
    for name, model, inst, f in [("an output beyond a float", "lin", "[" + open("huge.csv").read().strip() + "]", "huge.err"),
                                 ("a value beyond a float", "dense", "[" + open("wide.csv").read().strip() + "]", "wide.err")]:
        st, h, b, _ = req("POST", "/v1/models/%s:predict" % model, '{"instances":[%s,%s]}' % (ones, inst))
        e = json.loads(b).get("error", "") if st == 400 else ""
        say(st == 400 and e.startswith("instance 1: ") and e.endswith(msg(f)), "%s: 400 with predict's message: %s" % (name, b[:120]))
    # the scale check looks at every row of a request, as predict's at a file's first 1000
    for f in ["late", "early"]:
        st, h, b, _ = req("POST", "/v1/models/dense:predict", '{"instances":[%s]}' % ",".join("[" + l + "]" for l in open(f + ".csv").read().split()))
        warned = "warnings" in json.loads(b) if st == 200 else None
        say(warned == ("warning" in open(f + ".err").read()), "%s rows out of the training data's scale: warned as predict warns (%s)" % ("the last of 5" if f == "late" else "the first 4 of 5", warned))
    # one-row requests from 32 connections at once, every 8th scaled too far down (divided by 256; the model divides by 16): each of those, and only those, warned
    rows1 = [l for l in open("rows.csv").read().split()]
    wrong = []
    def client2(k):
        s = conn(); rest = b""
        for i in range(k, 640, 32):
            big = i % 8 == 0
            b1 = ('{"instances":[[%s]]}' % ",".join(str(float(v) / (256 if big else 1)) for v in rows1[i % len(rows1)].split(","))).encode()
            s.sendall(b"POST /v1/models/dense:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(b1), b1))
            st, h, b, rest = read_answer(s, rest)
            if st != 200 or ("warnings" in json.loads(b)) != big: wrong.append((i, st, b[-80:]))
        s.close()
    th = [threading.Thread(target=client2, args=(k,)) for k in range(32)]
    for t in th: t.start()
    for t in th: t.join()
    say(not wrong, "one-row requests answered together: each out-of-scale one has its own warning, no other has one (%s)" % (wrong[:2] or "all"))
    # JSON strings are kept as sent: a tab around a number is no number, as a space is
    codes = [req("POST", "/v1/models/dense:predict", '{"instances":[["16%s"%s]]}' % (w, ",0" * 63))[0] for w in ["\\t", " "]]
    say(codes == [400, 400], "a number in a string with a tab or a space after it is 400 alike (%s)" % codes)
    for bad_num, what in [("+1", "'+'"), ("01", "leading zero"), (".5", "'.'")]:
        st, h, b, _ = req("POST", "/v1/models/dense:predict", '{"instances":[[%s%s]]}' % (bad_num, ",0" * 63))
        say(st == 400 and what.encode() in b, "%s, not JSON: 400 saying so: %s" % (bad_num, b[:100]))
    st, h, b, _ = req("POST", "/v1/models/dense:predict", '{"instances":[[%s]]}' % ",".join(["1"] * 65))
    say(st == 400 and b"instance 0 has 65 values, but the model takes 64" in b and b"--" not in b, "a wider instance: said of instances, without predict's command-line hints: %s" % b[:100])
    st, h, b, _ = req("POST", "/v1/models/dense:predict", '{"instances":[[%s]]}' % ",".join(["1"] * 70000))
    say(st == 400 and b"instance 0 has 70000 values, but the model takes 64" in b, "an instance wider than CSV's limit: said against the model's width: %s" % b[:100])
    st, h, b, _ = req("GET", "http://127.0.0.1/healthz")
    say(st == 200, "a target in the absolute form (http://host/healthz) is read as its path (%d)" % st)
    st, h, b, _ = req("POST", "/v1/models/dense:predict", '{"instances":[%s,[1,2]]}' % ones)
    say(st == 400 and b"instance 1 has 2 values, but instance 0 has 64" in b, "a shorter row after a whole one: 400 naming it and the widths: %s" % b[:100])

elif what == "cutoff":
    # a client that sends a request with a large answer and goes away without reading it
    X = rows("rows.csv")
    body = json.dumps({"instances": X * 500}).encode()
    s = conn()
    s.sendall(b"POST /v1/models/dense:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    s.close()
    time.sleep(1)
    st, h, b, _ = req("GET", "/healthz")
    say(st == 200, "a client gone before its answer: the server goes on (%d)" % st)
    # one that stays but does not read: given up at --timeout
    s = conn()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"POST /v1/models/dense:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    time.sleep(4)
    s.close()

elif what == "conns":
    held = [conn() for _ in range(2)]
    time.sleep(0.2)
    s = conn()
    st, h, body, _ = read_answer(s)
    say(st == 503 and err(st, body) and s.recv(10) == b"", "--max-conns 2: a third connection is answered 503 with a JSON error and closed: %s" % body[:80])
    for c in held: c.close()
    time.sleep(0.2)
    st, h, body, _ = req("GET", "/healthz")
    say(st == 200, "...and once they close, a new connection is served")

elif what == "loris":
    slow = []
    for k in range(40):
        s = conn(); s.sendall(b"P"); slow.append(s)
    t0 = time.time()
    for k in range(3):
        for s in slow:
            try: s.sendall(b"O")
            except OSError: pass
        st, _, _, _ = post("dense", {"instances": [rows("rows.csv")[0]]})
        if st != 200: break
        time.sleep(0.5)
    say(st == 200 and time.time() - t0 < 2.5, "40 slow clients sending a byte each 0.5 s: another client is answered at once")
    codes = []
    for s in slow:
        s.settimeout(6)
        st, _, _, _ = read_answer(s); codes.append(st)
        codes.append(s.recv(10) == b"")
    say(codes == [408, True] * 40 and time.time() - t0 < 6, "...and they are answered 408 and closed at --timeout (%.1f s)" % (time.time() - t0))

elif what == "reload":
    pid = int(sys.argv[3])
    X = rows("rows.csv")[:8]
    A = json.loads(want("dense.want").decode())["predictions"][:8]
    B = json.loads(want("other.want").decode())["predictions"][:8]
    res, stop = [], [False]
    def load():
        s = conn(); rest = b""
        body = json.dumps({"instances": X}).encode()
        while not stop[0]:
            s.sendall(b"POST /v1/models/live:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            st, h, b, rest = read_answer(s, rest)
            res.append((st, json.loads(b)["predictions"] if st == 200 else b))
        s.close()
    th = [threading.Thread(target=load) for _ in range(4)]
    for t in th: t.start()
    time.sleep(0.5)
    n0 = len(res)
    os.rename("other.tmp", "live.bin"); os.kill(pid, signal.SIGHUP)
    time.sleep(1.0)
    stop[0] = True
    for t in th: t.join()
    kinds = ["A" if p == A else "B" if p == B else "mixed" for st, p in res if st == 200]
    bad = [r for r in res if r[0] != 200]
    after = kinds[-20:]
    say(not bad and "mixed" not in kinds and n0 > 0 and kinds[0] == "A" and all(k == "B" for k in after),
        "SIGHUP under load (4 clients, %d requests of 8 rows): every one answered 200, each wholly by the old or the new model (%d old, %d new), the new one after" %
        (len(res), kinds.count("A"), kinds.count("B")))
    open("live.bin", "wb").write(b"not a model")
    os.kill(pid, signal.SIGHUP); time.sleep(0.5)
    st, h, body, _ = post("live", {"instances": X})
    say(st == 200 and json.loads(body)["predictions"] == B, "a SIGHUP with a broken model file keeps the models loaded before")

elif what == "drain":
    pid = int(sys.argv[3])
    body = json.dumps({"instances": rows("rows.csv")}).encode()
    s = conn()
    s.sendall(b"POST /v1/models/live:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body[:1000]))
    time.sleep(0.3)
    os.kill(pid, signal.SIGTERM); time.sleep(0.3)
    try:
        c2 = socket.create_connection((host, port), timeout=2); c2.sendall(b"GET /healthz HTTP/1.1\r\n\r\n"); refused = read_answer(c2)[0] == 0
    except OSError:
        refused = True
    s.sendall(body[1000:])
    st, h, b, _ = read_answer(s)
    say(st == 200 and len(json.loads(b)["predictions"]) == 60 and h.get("connection") == "close", "SIGTERM: a request under way is answered (and the connection closed)")
    say(refused, "SIGTERM: no new connection is taken")

elif what == "drain2":
    pid = int(sys.argv[3])
    X = rows("rows.csv")
    big = json.dumps({"instances": X * 50}).encode()
    small = json.dumps({"instances": [X[0]]}).encode()
    s = conn()
    s.sendall(b"POST /v1/models/live:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(big), big) +
              b"POST /v1/models/live:predict HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(small), small) + b"GET /healthz HTTP/1.1\r\n\r\n")
    time.sleep(0.05)
    os.kill(pid, signal.SIGTERM)
    got, rest = [], b""
    for k in range(3):
        st, h, b, rest = read_answer(s, rest); got.append((st, h.get("connection")))
    s.settimeout(5)
    closed = s.recv(10) == b""
    say([g[0] for g in got] == [200] * 3 and closed, "SIGTERM: three pipelined requests that had arrived are all answered, then the connection is closed (%s)" % got)
EOF

run_client() { # run_client WHAT [ARGS]: the client's PASS/FAIL lines counted
    local st msg
    while read -r st msg; do
        if [ "$st" = PASS ]; then ok "$msg"; elif [ "$st" = FAIL ]; then bad "$msg"; else bad "client: $st $msg"; fi
    done < <(timeout 60 python3 client.py "$addr" "$@" 2>&1)
}

if start main dense.bin conv.bin cars.bin cars_cat.bin big.bin --workers 2 --timeout 2 --max-rows 1000; then
    run_client answers
    run_client concurrent
    run_client errors
    run_client loris
    grep -qE '^nn: 127\.0\.0\.1:[0-9]+ POST /v1/models/dense:predict 200 [0-9]+ [0-9.]+ ms$' main.err &&
        ok "the access log: a line per request (client, method, path, status, bytes, ms)" || bad "access log: $(tail -3 main.err)"
    grep -qE '^nn: 127\.0\.0\.1:[0-9]+ POST /v1/models/dense:predict 413 ' main.err && grep -qE '^nn: 127\.0\.0\.1:[0-9]+ - - 408 ' main.err &&
        ok "the access log of a 413 names its method and path (a 408 before the request line: -)" || bad "access log of 413/408: $(grep -E ' 41[0-9] | 408 ' main.err | head -3)"
    kill -TERM $pid
    for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    kill -KILL $pid 2>/dev/null && bad "SIGTERM: nn serve still running 10 s later"
    wait $pid
    rc=$?
    [ $rc = 0 ] && ok "SIGTERM with nothing under way: exit 0" || bad "SIGTERM: exit $rc"
fi
if start numbers dense.bin lin.bin --workers 2 --quiet; then
    run_client numbers
    kill -TERM $pid
    wait $pid
fi
if start cutoff dense.bin --max-rows 100000 --timeout 2; then
    run_client cutoff
    kill -TERM $pid
    wait $pid # (the answer is written, or given up, before the server exits)
    [ "$(grep -cE '^nn: 127\.0\.0\.1:[0-9]+ POST /v1/models/dense:predict 200 [0-9]+ [0-9.]+ ms \(cut off: [0-9]+ of its [0-9]+ bytes taken\)$' cutoff.err)" = 2 ] &&
        ok "the access log of an answer the client did not take says how much of it went (a client gone, one not reading until --timeout)" || bad "access log of cut-off answers: $(tail -4 cutoff.err)"
fi
cp other.bin other.tmp
if start live live.bin --workers 2 --quiet; then
    run_client reload $pid
    grep -q 'reload failed: live.bin' live.err && ok "a failed reload says why on stderr" || bad "failed reload: $(tail -2 live.err)"
    run_client drain $pid
    for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    kill -KILL $pid 2>/dev/null && bad "SIGTERM: nn serve still running 10 s later"
    wait $pid
    rc=$?
    [ $rc = 0 ] && ok "SIGTERM drains and exits 0" || bad "SIGTERM drain: exit $rc"
    grep -q 'POST' live.err && bad "--quiet: an access log line" || ok "--quiet: no access log"
fi
if start busy dense.bin --max-conns 2; then
    run_client conns
    grep -qE '^nn: 127\.0\.0\.1:[0-9]+ - - 503 47 ' busy.err && ok "the access log has a line for a 503" || bad "no access log line for a 503: $(tail -3 busy.err)"
    kill -TERM $pid
    wait $pid
fi
if start live2 live=other.bin --workers 1 --quiet; then
    run_client drain2 $pid
    for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    kill -KILL $pid 2>/dev/null && bad "SIGTERM: nn serve still running 10 s later"
    wait $pid
fi
expect "serve without a model" 2 "expected one or more MODEL" timeout 10 "$NN" serve
expect "serve with a bad --listen" 1 "listen" timeout 10 "$NN" serve dense.bin --listen nowhere
expect "serve on port 65536" 1 "0 to 65535" timeout 10 "$NN" serve dense.bin --listen 127.0.0.1:65536
expect "serve on port 131152 (not taken as 80)" 1 "0 to 65535" timeout 10 "$NN" serve dense.bin --listen 127.0.0.1:131152
expect "serve on an IPv6 address without brackets" 1 "brackets" timeout 10 "$NN" serve dense.bin --listen ::1
expect "serve with --keep naming a column twice" 2 "twice" timeout 10 "$NN" serve cars.bin --keep Name,Name
expect "serve NAME= with no file" 2 "a file after" timeout 10 "$NN" serve a=
expect "serve with a bad --max-body" 2 "max-body" timeout 10 "$NN" serve dense.bin --max-body 12Q
expect "serve with two models of one name" 2 "two models named" timeout 10 "$NN" serve dense.bin x/dense.bin
expect "serve with a missing model file" 1 "nosuch.bin" timeout 10 "$NN" serve nosuch.bin
summary serve
