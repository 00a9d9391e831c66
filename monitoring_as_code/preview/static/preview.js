/* mac preview: draws one dashboard's panels from the JSON mac wrote into the page.
 * Time series are drawn with uPlot (what Grafana draws them with); stat, gauge, bar gauge,
 * table and heatmap panels as Grafana lays them out, in plain DOM, SVG and canvas.
 * Units are formatted as @grafana/data's valueFormats formats them. Every string from the
 * dashboard reaches the DOM as textContent, never as markup (text panels excepted: their HTML
 * was sanitized by mac with nh3 before it was written here). */
(function () {
  'use strict';

  // ---- colours: Grafana's named colours (dark theme) and its classic palette --------------
  var NAMED = {
    green: '#73BF69', 'semi-dark-green': '#56A64B', 'dark-green': '#37872D', 'light-green': '#96D98D', 'super-light-green': '#C8F2C2',
    red: '#F2495C', 'semi-dark-red': '#E02F44', 'dark-red': '#C4162A', 'light-red': '#FF7383', 'super-light-red': '#FFA6B0',
    orange: '#FF9830', 'semi-dark-orange': '#FA6400', 'dark-orange': '#FA6400', 'light-orange': '#FFB357', 'super-light-orange': '#FFCB7D',
    yellow: '#FADE2A', 'semi-dark-yellow': '#F2CC0C', 'dark-yellow': '#E0B400', 'light-yellow': '#FFEE52', 'super-light-yellow': '#FFF899',
    blue: '#5794F2', 'semi-dark-blue': '#3274D9', 'dark-blue': '#1F60C4', 'light-blue': '#8AB8FF', 'super-light-blue': '#C0D8FF',
    purple: '#B877D9', 'semi-dark-purple': '#A352CC', 'dark-purple': '#8F3BB8', 'light-purple': '#CA95E5', 'super-light-purple': '#DEB6F2',
    transparent: 'rgba(0,0,0,0)', text: '#CCCCDC'
  };
  var PALETTE = ['#7EB26D', '#EAB839', '#6ED0E0', '#EF843C', '#E24D42', '#1F78C1', '#BA43A9', '#705DA0', '#508642',
    '#CCA300', '#447EBC', '#C15C17', '#890F02', '#0A437C', '#6D1F62', '#584477'];

  function color(name) {
    if (!name) return NAMED.green;
    return NAMED[name] || name;
  }

  // ---- units: a port of @grafana/data valueFormats (toFixed, scaledUnits, SI and IEC prefixes)
  function decimalsFor(value) {
    var log10 = Math.floor(Math.log(Math.abs(value)) / Math.LN10);
    var dec = -log10 + 1;
    var magn = Math.pow(10, -dec);
    var norm = value / magn;
    if (norm > 2.25) ++dec;
    if (value % 1 === 0) dec = 0;
    return Math.max(0, dec);
  }
  function toFixed(value, decimals) {
    if (value === null || value === undefined) return '';
    if (value === Infinity || value === -Infinity) return value.toLocaleString('en-US');
    if (decimals === null || decimals === undefined) decimals = decimalsFor(value);
    if (value === 0) return value.toFixed(decimals);
    var factor = decimals ? Math.pow(10, Math.max(0, decimals)) : 1;
    var formatted = String(Math.round(value * factor) / factor);
    if (formatted.indexOf('e') !== -1) return formatted;
    var at = formatted.indexOf('.');
    var precision = at === -1 ? 0 : formatted.length - at - 1;
    if (precision < decimals) return (precision ? formatted : formatted + '.') + String(factor).slice(1, decimals - precision + 1);
    return formatted;
  }
  function fixedUnit(unit, asPrefix) {
    return function (v, d) {
      var text = toFixed(v, d);
      if (!unit) return { text: text };
      return asPrefix ? { text: text, prefix: unit } : { text: text, suffix: ' ' + unit };
    };
  }
  function scaled(factor, ext, offset) {
    offset = offset || 0;
    return function (size, d) {
      if (!isFinite(size)) return { text: String(size) };
      var i = size === 0 ? 0 : Math.floor(Math.log(Math.abs(size)) / Math.log(factor));
      var clampIndex = Math.min(Math.max(i, -offset), ext.length - offset - 1);
      var suffix = ext[Math.min(Math.max(offset + i, 0), ext.length - 1)];
      return { text: toFixed(size / Math.pow(factor, clampIndex), d), suffix: suffix };
    };
  }
  var SI = ['f', 'p', 'n', 'µ', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
  var SI_BASE = SI.indexOf('');
  function decimalSI(unit, offset) {
    return scaled(1000, SI.map(function (p) { return ' ' + p + unit; }), SI_BASE + (offset || 0));
  }
  function binarySI(unit, offset) {
    return scaled(1024, ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'].map(function (p) { return ' ' + p + unit; }), offset || 0);
  }
  function countUnit(symbol) {
    var s = scaled(1000, ['', 'K', 'M', 'B', 'T']);
    return function (v, d) { var r = s(v, d); r.suffix = (r.suffix || '') + ' ' + symbol; return r; };
  }
  function fixedScaled(v, d, ext) { return { text: toFixed(v, d), suffix: ext }; }
  function seconds(size, d) {
    var a = Math.abs(size);
    if (size === 0) return { text: '0', suffix: ' s' };
    if (a < 0.000001) return fixedScaled(size * 1e9, d, ' ns');
    if (a < 0.001) return fixedScaled(size * 1e6, d, ' µs');
    if (a < 1) return fixedScaled(size * 1e3, d, ' ms');
    if (a < 60) return fixedScaled(size, d, ' s');
    if (a < 3600) return fixedScaled(size / 60, d, ' min');
    if (a < 86400) return fixedScaled(size / 3600, d, ' hour');
    if (a < 604800) return fixedScaled(size / 86400, d, ' day');
    if (a < 31536000) return fixedScaled(size / 604800, d, ' week');
    return fixedScaled(size / 31536000, d, ' year');
  }
  function millis(size, d) {
    var a = Math.abs(size);
    if (a < 1000) return fixedScaled(size, d, ' ms');
    if (a < 60000) return fixedScaled(size / 1000, d, ' s');
    if (a < 3600000) return fixedScaled(size / 60000, d, ' min');
    if (a < 86400000) return fixedScaled(size / 3600000, d, ' hour');
    if (a < 31536000000) return fixedScaled(size / 86400000, d, ' day');
    return fixedScaled(size / 31536000000, d, ' year');
  }
  var UNITS = {
    none: fixedUnit(''), short: scaled(1000, ['', ' K', ' Mil', ' Bil', ' Tri', ' Quadr', ' Quint', ' Sext', ' Sept']),
    percent: function (v, d) { return { text: toFixed(v, d), suffix: '%' }; },
    percentunit: function (v, d) { return { text: toFixed(100 * v, d), suffix: '%' }; },
    bits: binarySI('b'), bytes: binarySI('B'), kbytes: binarySI('B', 1), mbytes: binarySI('B', 2), gbytes: binarySI('B', 3),
    tbytes: binarySI('B', 4), pbytes: binarySI('B', 5),
    decbits: decimalSI('b'), decbytes: decimalSI('B'), deckbytes: decimalSI('B', 1), decmbytes: decimalSI('B', 2),
    decgbytes: decimalSI('B', 3), dectbytes: decimalSI('B', 4),
    pps: decimalSI('pps'), bps: decimalSI('bps'), Bps: decimalSI('B/s'), KBs: decimalSI('B/s', 1), Kbits: decimalSI('bps', 1),
    MBs: decimalSI('B/s', 2), Mbits: decimalSI('bps', 2), GBs: decimalSI('B/s', 3), Gbits: decimalSI('bps', 3),
    binBps: binarySI('B/s'), binbps: binarySI('b/s'),
    hertz: decimalSI('Hz'), ns: function (v, d) { return seconds(v / 1e9, d); }, 'µs': function (v, d) { return seconds(v / 1e6, d); },
    ms: millis, s: seconds, m: function (v, d) { return seconds(v * 60, d); }, h: function (v, d) { return seconds(v * 3600, d); },
    d: function (v, d) { return seconds(v * 86400, d); }, dtdurations: seconds, dtdurationms: millis,
    cps: countUnit('cps'), ops: countUnit('ops'), reqps: countUnit('reqps'), rps: countUnit('rps'), wps: countUnit('wps'),
    iops: countUnit('iops'), cpm: countUnit('cpm'), opm: countUnit('opm'), rpm: countUnit('rpm'), wpm: countUnit('wpm'),
    watt: decimalSI('W'), celsius: fixedUnit('°C'), humidity: fixedUnit('%H'), dB: fixedUnit('dB'), pixel: fixedUnit('px'),
    currencyUSD: function (v, d) { var r = scaled(1000, ['', 'K', 'M', 'B', 'T'])(v, d); r.prefix = '$'; return r; },
    currencyEUR: function (v, d) { var r = scaled(1000, ['', 'K', 'M', 'B', 'T'])(v, d); r.prefix = '€'; return r; }
  };
  function formatter(unit) {
    if (!unit) return fixedUnit('');
    if (UNITS[unit]) return UNITS[unit];
    var at = unit.indexOf(':');
    if (at > 0) {
      var key = unit.slice(0, at), sub = unit.slice(at + 1);
      if (key === 'prefix') return fixedUnit(sub, true);
      if (key === 'suffix') return fixedUnit(sub, false);
      if (key === 'count') return countUnit(sub);
      if (key === 'si') return decimalSI(sub);
      if (key === 'bool') { var parts = sub.split('/'); return function (v) { return { text: v ? parts[0] : (parts[1] || '-') }; }; }
    }
    return fixedUnit(unit);
  }
  function format(unit, value, decimals) {
    if (value === null || value === undefined || (typeof value === 'number' && isNaN(value))) return '';
    var f = formatter(unit)(value, decimals);
    return (f.prefix || '') + f.text + (f.suffix || '');
  }

  // ---- thresholds and reductions ---------------------------------------------------------
  function steps(panel, lo, hi) {
    var t = panel.thresholds || { steps: [] };
    return (t.steps || []).map(function (s) {
      var v = s.value;
      if (v !== null && t.mode === 'percentage') v = lo + (hi - lo) * v / 100;
      return { value: v, color: color(s.color) };
    });
  }
  function thresholdColor(panel, value, lo, hi) {
    var found = NAMED.green;
    steps(panel, lo, hi).forEach(function (s) { if (s.value === null || value >= s.value) found = s.color; });
    return found;
  }
  function values(series) { return series.v.filter(function (x) { return x !== null && !isNaN(x); }); }
  var CALCS = {
    lastNotNull: function (v) { return v.length ? v[v.length - 1] : null; },
    last: function (v) { return v.length ? v[v.length - 1] : null; },
    firstNotNull: function (v) { return v.length ? v[0] : null; },
    first: function (v) { return v.length ? v[0] : null; },
    mean: function (v) { return v.length ? v.reduce(function (a, b) { return a + b; }, 0) / v.length : null; },
    max: function (v) { return v.length ? Math.max.apply(null, v) : null; },
    min: function (v) { return v.length ? Math.min.apply(null, v) : null; },
    sum: function (v) { return v.reduce(function (a, b) { return a + b; }, 0); },
    count: function (v) { return v.length; },
    range: function (v) { return v.length ? Math.max.apply(null, v) - Math.min.apply(null, v) : null; },
    delta: function (v) { var d = 0; for (var i = 1; i < v.length; i++) { d += v[i] > v[i - 1] ? v[i] - v[i - 1] : v[i]; } return d; },
    diff: function (v) { return v.length ? v[v.length - 1] - v[0] : null; }
  };
  function reduce(panel, series) {
    var calcs = ((panel.options || {}).reduceOptions || {}).calcs || ['lastNotNull'];
    var f = CALCS[calcs[0]] || CALCS.lastNotNull;
    return f(values(series));
  }
  function dataRange(panel) {
    var lo = Infinity, hi = -Infinity;
    (panel.series || []).forEach(function (s) { values(s).forEach(function (x) { lo = Math.min(lo, x); hi = Math.max(hi, x); }); });
    if (panel.min !== null) lo = panel.min;
    if (panel.max !== null) hi = panel.max;
    if (!isFinite(lo)) lo = 0;
    if (!isFinite(hi)) hi = lo + 1;
    return [lo, hi];
  }

  // ---- DOM helpers -------------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function noData(body, panel) {
    var box = el('div', 'no-data', panel.noValue || 'No data');
    body.appendChild(box);
    (panel.queries || []).forEach(function (q) {
      if (q.error) body.appendChild(el('div', 'query-error', q.refId + ': ' + q.error));
    });
  }
  function seriesColor(panel, index) {
    var c = panel.color || {};
    if (c.mode === 'fixed' && c.fixedColor) return color(c.fixedColor);
    return PALETTE[index % PALETTE.length];
  }

  // ---- time series (uPlot) -------------------------------------------------------------------
  function aligned(series) {
    var times = {};
    series.forEach(function (s) { s.t.forEach(function (t) { times[t] = true; }); });
    var xs = Object.keys(times).map(Number).sort(function (a, b) { return a - b; });
    var at = {};
    xs.forEach(function (t, i) { at[t] = i; });
    var ys = series.map(function (s) {
      var out = xs.map(function () { return null; });
      s.t.forEach(function (t, i) { out[at[t]] = s.v[i]; });
      return out;
    });
    return [xs, ys];
  }
  function stack(ys, mode) {
    if (mode !== 'normal' && mode !== 'percent') return ys;
    var n = ys.length ? ys[0].length : 0, acc = [], out = [];
    for (var i = 0; i < n; i++) acc.push(0);
    var totals = acc.slice();
    if (mode === 'percent') ys.forEach(function (y) { y.forEach(function (v, i) { totals[i] += v || 0; }); });
    ys.forEach(function (y) {
      out.push(y.map(function (v, i) {
        if (v === null) return null;
        acc[i] += mode === 'percent' ? (totals[i] ? v / totals[i] : 0) : v;
        return acc[i];
      }));
    });
    return out;
  }
  function legend(body, panel, names) {
    var opts = (panel.options || {}).legend || {};
    if (opts.showLegend === false || opts.displayMode === 'hidden') return null;
    var list = el('ul', 'legend');
    names.forEach(function (name, i) {
      var item = el('li');
      var swatch = el('span', 'swatch');
      swatch.style.background = seriesColor(panel, i);
      item.appendChild(swatch);
      item.appendChild(el('span', 'name', name));
      list.appendChild(item);
    });
    body.appendChild(list);
    return list;
  }
  function timeseries(body, panel) {
    var series = panel.series;
    var custom = panel.custom || {};
    var mode = (custom.stacking || {}).mode || 'none';
    var data = aligned(series);
    var ys = stack(data[1], mode);
    var unit = mode === 'percent' ? 'percentunit' : panel.unit;
    var style = (custom.thresholdsStyle || {}).mode || 'off';
    var chart = el('div', 'chart');
    body.appendChild(chart);
    var list = legend(body, panel, series.map(function (s) { return s.name; }));
    var width = body.clientWidth, height = body.clientHeight - (list ? list.offsetHeight : 0);
    var fill = custom.fillOpacity || 0;
    var drawn = [];
    var lows = [], highs = [];
    ys.forEach(function (y) { y.forEach(function (v) { if (v !== null) { lows.push(v); highs.push(v); } }); });
    var lo = lows.length ? Math.min.apply(null, lows) : 0, hi = highs.length ? Math.max.apply(null, highs) : 1;
    if (style !== 'off') {
      // The preview keeps every threshold line in view: a reviewer must see where the alert fires.
      steps(panel, lo, hi).forEach(function (s) { if (s.value !== null) { lo = Math.min(lo, s.value); hi = Math.max(hi, s.value); } });
    }
    if (custom.axisSoftMin !== undefined && custom.axisSoftMin !== null) lo = Math.min(lo, custom.axisSoftMin);
    if (custom.axisSoftMax !== undefined && custom.axisSoftMax !== null) hi = Math.max(hi, custom.axisSoftMax);
    // A flat series (or one varying only by float noise, as 1 - 1e-16) gets a span around
    // its value: uPlot cannot lay ticks on a span of nothing.
    if (hi - lo <= Math.max(Math.abs(hi), Math.abs(lo)) * 1e-9) {
      var mid = (hi + lo) / 2, pad = Math.abs(mid) * 0.1 || 1;
      lo = mid - pad; hi = mid + pad;
    } else { hi = hi + (hi - lo) * 0.05; }
    if (panel.min !== null) lo = panel.min;
    if (panel.max !== null) hi = panel.max;
    if (hi <= lo) hi = lo + 1;
    var opts = {
      width: width, height: Math.max(height, 60), legend: { show: false }, cursor: { show: true },
      scales: { x: { time: true }, y: { range: function () { return [lo, hi]; } } },
      axes: [
        { stroke: '#9fa7b3', grid: { stroke: 'rgba(204,204,220,0.07)' }, ticks: { stroke: 'rgba(204,204,220,0.07)' } },
        { stroke: '#9fa7b3', grid: { stroke: 'rgba(204,204,220,0.07)' }, ticks: { stroke: 'rgba(204,204,220,0.07)' },
          size: function (u, vals) { return vals ? Math.max.apply(null, vals.map(function (v) { return String(v).length; }).concat([3])) * 8 + 24 : 40; },
          values: function (u, vals) { return vals.map(function (v) { return format(unit, v, panel.decimals); }); } }
      ],
      series: [{}].concat(series.map(function (s, i) {
        var c = seriesColor(panel, i);
        return { label: s.name, stroke: c, width: custom.lineWidth || 1, points: { show: false },
          fill: fill ? hexAlpha(c, fill / 100) : undefined, spanGaps: !!custom.spanNulls };
      })),
      hooks: { draw: [function (u) {
        drawThresholds(u, panel, style, lo, hi, drawn);
        chart.dataset.thresholdLines = JSON.stringify(drawn);  // what was drawn, for a reader (and the tests)
      }] }
    };
    return new uPlot(opts, [data[0]].concat(ys), chart);
  }
  function hexAlpha(hex, alpha) {
    var m = /^#([0-9a-f]{6})$/i.exec(hex);
    if (!m) return hex;
    var n = parseInt(m[1], 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }
  function drawThresholds(u, panel, style, lo, hi, drawn) {
    drawn.length = 0;
    if (style === 'off') return;
    var ctx = u.ctx, bb = u.bbox, list = steps(panel, lo, hi);
    ctx.save();
    list.forEach(function (s, i) {
      if (style.indexOf('area') !== -1) {
        var top = i + 1 < list.length ? u.valToPos(list[i + 1].value, 'y', true) : bb.top;
        var bottom = s.value === null ? bb.top + bb.height : u.valToPos(s.value, 'y', true);
        top = Math.max(top, bb.top); bottom = Math.min(bottom, bb.top + bb.height);
        if (bottom > top) { ctx.fillStyle = hexAlpha(s.color, 0.15); ctx.fillRect(bb.left, top, bb.width, bottom - top); }
      }
      if (s.value === null || style === 'area') return;
      var y = Math.round(u.valToPos(s.value, 'y', true));
      if (y < bb.top || y > bb.top + bb.height) return;
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(style.indexOf('dash') !== -1 ? [10, 10] : []);
      ctx.beginPath(); ctx.moveTo(bb.left, y); ctx.lineTo(bb.left + bb.width, y); ctx.stroke();
      drawn.push({ value: s.value, color: s.color, y: y, left: bb.left, width: bb.width });
    });
    ctx.restore();
  }

  // ---- stat, gauge, bar gauge --------------------------------------------------------------
  function reducedValues(panel) {
    return panel.series.map(function (s) { return { name: s.name, value: reduce(panel, s), series: s }; });
  }
  function sparkline(cell, s, stroke) {
    var v = s.v, t = s.t, pts = [];
    var lo = Infinity, hi = -Infinity;
    v.forEach(function (x) { if (x !== null) { lo = Math.min(lo, x); hi = Math.max(hi, x); } });
    if (!isFinite(lo) || t.length < 2) return;
    var w = 100, h = 30, t0 = t[0], t1 = t[t.length - 1];
    v.forEach(function (x, i) {
      if (x === null) return;
      pts.push(((t[i] - t0) / ((t1 - t0) || 1) * w).toFixed(2) + ',' + (h - (hi === lo ? 0.5 : (x - lo) / (hi - lo)) * h).toFixed(2));
    });
    var s2 = svg('svg', { viewBox: '0 0 100 30', preserveAspectRatio: 'none', class: 'sparkline' });
    s2.appendChild(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: stroke, 'stroke-width': 1.5, 'vector-effect': 'non-scaling-stroke' }));
    cell.appendChild(s2);
  }
  function stat(body, panel) {
    var opts = panel.options || {};
    var range = dataRange(panel);
    var items = reducedValues(panel);
    var grid = el('div', 'stat-grid');
    items.forEach(function (item) {
      var cell = el('div', 'stat');
      var c = (panel.color || {}).mode === 'fixed' ? color(panel.color.fixedColor) : thresholdColor(panel, item.value, range[0], range[1]);
      var mode = opts.colorMode || 'value';
      if (mode === 'background' || mode === 'background_solid') { cell.style.background = c; cell.classList.add('on-colour'); }
      if (items.length > 1 && opts.textMode !== 'value') cell.appendChild(el('div', 'stat-name', item.name));
      var value = el('div', 'stat-value', item.value === null ? (panel.noValue || 'No data') : format(panel.unit, item.value, panel.decimals));
      if (mode === 'value') value.style.color = c;
      cell.appendChild(value);
      cell.dataset.value = item.value === null ? '' : String(item.value);
      cell.dataset.colour = c;
      if ((opts.graphMode || 'area') !== 'none') sparkline(cell, item.series, mode === 'value' ? c : 'rgba(255,255,255,0.6)');
      grid.appendChild(cell);
    });
    body.appendChild(grid);
  }
  function gauge(body, panel) {
    var range = dataRange(panel);
    var lo = panel.min !== null ? panel.min : 0, hi = panel.max !== null ? panel.max : 100;
    var grid = el('div', 'stat-grid');
    reducedValues(panel).forEach(function (item) {
      var cell = el('div', 'gauge');
      var c = thresholdColor(panel, item.value, lo, hi);
      var frac = item.value === null ? 0 : Math.min(Math.max((item.value - lo) / ((hi - lo) || 1), 0), 1);
      var g = svg('svg', { viewBox: '0 0 120 70', class: 'gauge-arc' });
      var arc = function (from, to) {
        var a0 = Math.PI * (1 - from), a1 = Math.PI * (1 - to);
        return 'M ' + (60 + 50 * Math.cos(a0)).toFixed(2) + ' ' + (62 - 50 * Math.sin(a0)).toFixed(2) +
          ' A 50 50 0 0 1 ' + (60 + 50 * Math.cos(a1)).toFixed(2) + ' ' + (62 - 50 * Math.sin(a1)).toFixed(2);
      };
      var list = steps(panel, lo, hi);
      list.forEach(function (s, i) {
        var from = s.value === null ? 0 : (s.value - lo) / ((hi - lo) || 1);
        var to = i + 1 < list.length ? (list[i + 1].value - lo) / ((hi - lo) || 1) : 1;
        from = Math.min(Math.max(from, 0), 1); to = Math.min(Math.max(to, 0), 1);
        if (to > from) g.appendChild(svg('path', { d: arc(from, to), stroke: s.color, 'stroke-width': 3, fill: 'none', class: 'band' }));
      });
      g.appendChild(svg('path', { d: arc(0, 1), stroke: 'rgba(204,204,220,0.1)', 'stroke-width': 12, fill: 'none' }));
      if (frac > 0) g.appendChild(svg('path', { d: arc(0, frac), stroke: c, 'stroke-width': 12, fill: 'none', class: 'value-arc' }));
      cell.appendChild(g);
      var value = el('div', 'gauge-value', item.value === null ? (panel.noValue || 'No data') : format(panel.unit, item.value, panel.decimals));
      value.style.color = c;
      cell.appendChild(value);
      if (panel.series.length > 1) cell.appendChild(el('div', 'stat-name', item.name));
      cell.dataset.value = item.value === null ? '' : String(item.value);
      cell.dataset.colour = c;
      grid.appendChild(cell);
    });
    body.appendChild(grid);
  }
  function bargauge(body, panel) {
    var range = dataRange(panel);
    var lo = panel.min !== null ? panel.min : Math.min(0, range[0]), hi = panel.max !== null ? panel.max : range[1];
    var list = el('div', 'bargauge');
    reducedValues(panel).forEach(function (item) {
      var row = el('div', 'bar-row');
      row.appendChild(el('div', 'bar-name', item.name));
      var track = el('div', 'bar-track');
      var bar = el('div', 'bar');
      var c = thresholdColor(panel, item.value, lo, hi);
      bar.style.width = (item.value === null ? 0 : Math.min(Math.max((item.value - lo) / ((hi - lo) || 1), 0), 1) * 100).toFixed(2) + '%';
      bar.style.background = c;
      track.appendChild(bar);
      row.appendChild(track);
      var value = el('div', 'bar-value', item.value === null ? '' : format(panel.unit, item.value, panel.decimals));
      value.style.color = c;
      row.appendChild(value);
      row.dataset.value = item.value === null ? '' : String(item.value);
      list.appendChild(row);
    });
    body.appendChild(list);
  }

  // ---- table and heatmap -------------------------------------------------------------------
  function table(body, panel) {
    var labels = {};
    panel.series.forEach(function (s) { Object.keys(s.labels).forEach(function (k) { if (k !== '__name__') labels[k] = true; }); });
    var columns = Object.keys(labels).sort();
    var wrap = el('div', 'table-wrap');
    var t = el('table', 'data');
    var head = el('tr');
    columns.concat(['Value']).forEach(function (c) { head.appendChild(el('th', '', c)); });
    var thead = el('thead'); thead.appendChild(head); t.appendChild(thead);
    var tbody = el('tbody');
    panel.series.forEach(function (s) {
      var tr = el('tr');
      columns.forEach(function (c) { tr.appendChild(el('td', '', s.labels[c] || '')); });
      var v = CALCS.lastNotNull(values(s));
      var td = el('td', 'num', format(panel.unit, v, panel.decimals));
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
    t.appendChild(tbody);
    wrap.appendChild(t);
    body.appendChild(wrap);
  }
  function heatmap(body, panel) {
    var withLe = panel.series.filter(function (s) { return s.labels.le !== undefined; });
    var rows = (withLe.length ? withLe : panel.series).slice();
    rows.sort(function (a, b) { return parseFloat(a.labels.le) - parseFloat(b.labels.le); });
    var data = aligned(rows), xs = data[0], ys = data[1];
    var canvas = el('canvas', 'heatmap');
    var w = body.clientWidth, h = body.clientHeight - 18;
    canvas.width = w; canvas.height = Math.max(h, 20);
    body.appendChild(canvas);
    var ctx = canvas.getContext('2d');
    var max = 0;
    ys.forEach(function (y) { y.forEach(function (v) { if (v !== null) max = Math.max(max, v); }); });
    var cw = w / Math.max(xs.length, 1), ch = canvas.height / Math.max(ys.length, 1);
    ys.forEach(function (y, r) {
      y.forEach(function (v, i) {
        if (v === null) return;
        var a = max ? v / max : 0;
        ctx.fillStyle = 'rgba(255,152,48,' + (0.08 + 0.92 * a).toFixed(3) + ')';
        ctx.fillRect(i * cw, canvas.height - (r + 1) * ch, Math.ceil(cw), Math.ceil(ch));
      });
    });
    var axis = el('div', 'heatmap-axis', rows.length ? (rows[0].labels.le !== undefined ? 'le ' + rows[0].labels.le + ' … ' + rows[rows.length - 1].labels.le : rows.length + ' series') : '');
    body.appendChild(axis);
  }

  // ---- the page ----------------------------------------------------------------------------
  var DRAW = { timeseries: timeseries, graph: timeseries, stat: stat, singlestat: stat, gauge: gauge, bargauge: bargauge,
    table: table, 'table-old': table, heatmap: heatmap };

  function draw(panel, node) {
    var body = node.querySelector('.panel-body');
    if (!body) return;
    if (panel.note) { body.appendChild(el('div', 'note', panel.note)); return; }
    if (panel.type === 'text') { body.classList.add('text-panel'); body.innerHTML = panel.html || ''; return; }
    if (panel.noData) { node.classList.add('empty'); noData(body, panel); return; }
    DRAW[panel.type](body, panel);
    node.classList.add('drawn');
  }

  var source = document.getElementById('mac-data');
  var model = JSON.parse(source.textContent);
  var nodes = document.querySelectorAll('main.grid > [data-index]');
  window.macPreview = { model: model, format: format, toFixed: toFixed };
  Array.prototype.forEach.call(nodes, function (node) {
    var panel = model.panels[Number(node.dataset.index)];
    if (panel.type !== 'row') draw(panel, node);
  });
  // uPlot draws on the next frame: say "ready" once it has.
  requestAnimationFrame(function () { requestAnimationFrame(function () { document.body.dataset.ready = '1'; }); });
})();
