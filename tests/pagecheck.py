# The report's curves against --log: each series' figures (data-values)
# equal the log's column, epoch by epoch, and each point of the polyline
# sits where its figure goes on the chart's axes (data-x0, -x1, -y0, -y1,
# -first, -last, -lo, -hi); the metric chart's axes are fixed: epochs 1 to
# the number asked for, 0 to 100%.  Prints "curves N [first mismatches]".
#   python3 pagecheck.py PAGE.html LOG.csv EPOCHS
import re, sys, csv
html = open(sys.argv[1]).read()
log = list(csv.DictReader(open(sys.argv[2])))
epochs = int(sys.argv[3])
bad = []


def chart(cid):
    head = re.search(r'<svg id="%s"([^>]*)>' % cid, html).group(1)
    body = re.search(r'<svg id="%s"[^>]*>(.*?)</svg>' % cid, html, re.S).group(1)
    a = {k: float(v) for k, v in re.findall(r'data-([a-z0-9]+)="([-0-9.e+]+)"', head)}
    return a, {s: (v, p) for s, v, p in re.findall(r'<polyline class="curve" data-series="([^"]+)" data-values="([^"]+)"[^>]*points="([^"]+)"', body)}


for cid, series, column in (('metric', 'test', 'test_accuracy'), ('cost', 'training', 'train_cost')):
    a, cur = chart(cid)
    vals, pts = cur[series]
    vals = [tuple(map(float, x.split(':'))) for x in vals.split()]
    pts = [tuple(map(float, x.split(','))) for x in pts.split()]
    if [int(e) for e, _ in vals] != [int(r['epoch']) for r in log]:
        bad.append('%s epochs' % cid)
    for (e, v), r, (px, py) in zip(vals, log, pts):
        if abs(v - float(r[column])) > 1e-6:
            bad.append('%s epoch %d: %g, log %s' % (cid, e, v, r[column]))
        ex = a['first'] + (px - a['x0']) / (a['x1'] - a['x0']) * (a['last'] - a['first'])
        ey = a['lo'] + (a['y0'] - py) / (a['y0'] - a['y1']) * (a['hi'] - a['lo'])
        if abs(ex - e) > 0.02 or abs(ey - float(r[column])) > 0.002 * (a['hi'] - a['lo']):
            bad.append('%s point %d at (%g, %g)' % (cid, e, ex, ey))
    if a['first'] != 1 or a['last'] != epochs or (cid == 'metric' and (a['lo'] != 0 or a['hi'] != 1)):
        bad.append('%s axes %s' % (cid, a))
print('curves', len(bad), bad[:3])
