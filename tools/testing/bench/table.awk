# SPDX-License-Identifier: GPL-2.0-only
#
# The table of "make bench": reads the payload's lines
#   BENCH <hv|kvm> <rep><TAB>metric<TAB>value<TAB>unit
#   BENCH <hv|kvm> <rep><TAB>metric<TAB>n/a<TAB>reason
# (anything else is ignored) and prints, per metric in first-seen order,
# the median of each side with its spread (half the min-max range, in % of
# the median) and the hv/kvm ratio: the median of the per-repetition
# ratios with their min and max.  Portable awk (no asort).

function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (n % 2)
		return a[(n + 1) / 2]
	return (a[n / 2] + a[n / 2 + 1]) / 2
}

function fmt(x) {
	if (x >= 100000)
		return sprintf("%.0f", x)
	if (x >= 100)
		return sprintf("%.0f", x)
	if (x >= 10)
		return sprintf("%.1f", x)
	return sprintf("%.2f", x)
}

# "median ±spread%" of side s for metric m, or "n/a [k]".
function side(s, m,    n, i, a, lo, hi, md) {
	n = cnt[s, m]
	if (!n) {
		if ((s, m) in na)
			return "n/a [" note(na[s, m]) "]"
		return "-"
	}
	for (i = 1; i <= n; i++) {
		a[i] = val[s, m, i]
		if (i == 1 || a[i] < lo)
			lo = a[i]
		if (i == 1 || a[i] > hi)
			hi = a[i]
	}
	md = median(a, n)
	med[s, m] = md
	if (md > 0)
		return sprintf("%s ±%.0f%%", fmt(md), (hi - lo) / 2 / md * 100)
	return fmt(md)
}

function note(reason,    i) {
	for (i = 1; i <= nnotes; i++)
		if (notes[i] == reason)
			return i
	notes[++nnotes] = reason
	return nnotes
}

BEGIN { FS = "\t" }

$1 ~ /^BENCH / && NF >= 4 {
	sub(/\r$/, "")
	split($1, h, " ")
	s = h[2]; r = h[3]; m = $2
	if (!(m in seen)) {
		seen[m] = 1
		order[++nm] = m
	}
	if ($3 == "n/a") {
		na[s, m] = $4
		next
	}
	unit[m] = $4
	val[s, m, ++cnt[s, m]] = $3
	byrep[s, m, r] = $3
	if (!(r in isrep)) {
		isrep[r] = 1
		reps[++nreps] = r
	}
}

END {
	if (!nm) {
		print "bench: no results"
		exit 1
	}
	printf "%-15s %-6s %18s %18s %22s\n", "metric", "unit", "hv", "kvm",
		"hv/kvm [min-max]"
	for (k = 1; k <= nm; k++) {
		m = order[k]
		hv = side("hv", m)
		kv = side("kvm", m)
		n = 0
		for (i = 1; i <= nreps; i++) {
			r = reps[i]
			if (("hv", m, r) in byrep && ("kvm", m, r) in byrep &&
			    byrep["kvm", m, r] > 0)
				q[++n] = byrep["hv", m, r] / byrep["kvm", m, r]
		}
		if (n) {
			lo = hi = q[1]
			for (i = 2; i <= n; i++) {
				if (q[i] < lo) lo = q[i]
				if (q[i] > hi) hi = q[i]
			}
			ratio = sprintf("%.2f [%.2f-%.2f]", median(q, n), lo, hi)
		} else {
			ratio = "n/a"
		}
		printf "%-15s %-6s %18s %18s %22s\n", m,
			(m in unit) ? unit[m] : "-", hv, kv, ratio
	}
	for (i = 1; i <= nnotes; i++)
		printf "[%d] %s\n", i, notes[i]
}
