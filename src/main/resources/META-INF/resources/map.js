// The map of the catalogue (/map): draws /api/map on a canvas, coloured by style, with the styles' labels.
// Mouse: drag pans, the wheel zooms, hovering shows a product, a click opens it, Shift+drag selects a box
// (its products open as /?near=x,y,r). Keyboard: arrows move a cursor, + and - zoom, 0 shows the whole map,
// Enter opens the product under the cursor, S shows the products around it.
(function () {
  'use strict';
  var root = document.querySelector('[data-style-map]');
  if (!root) { return; }
  var started = performance.now();
  var canvas = root.querySelector('[data-map-canvas]');
  var info = root.querySelector('[data-map-info]');
  var ctx = canvas.getContext('2d');
  var legend = Array.prototype.slice.call(root.querySelectorAll('[data-cluster-id]'));
  var colourOf = {};
  var labels = [];
  legend.forEach(function (a) {
    var swatch = a.querySelector('.style-swatch');
    colourOf[a.getAttribute('data-cluster-id')] = getComputedStyle(swatch).backgroundColor;
  });

  var n = 0, ids = [], xs, ys, cl = [], order = [];
  var view = { cx: 0, cy: 0, scale: 1 };
  var cursor = { x: 0, y: 0 };
  var focused = -2; // nothing shown yet: the first show() always writes the panel
  var box = null;
  var details = {};
  var dpr = window.devicePixelRatio || 1;

  function size() {
    var w = canvas.clientWidth, h = canvas.clientHeight;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    return { w: w, h: h };
  }
  var dims = size();

  function reset() {
    view.cx = 0; view.cy = 0;
    view.scale = Math.min(dims.w, dims.h) / 2.2;
  }
  function toScreen(x, y) { return [dims.w / 2 + (x - view.cx) * view.scale, dims.h / 2 - (y - view.cy) * view.scale]; }
  function toMap(sx, sy) { return [view.cx + (sx - dims.w / 2) / view.scale, view.cy - (sy - dims.h / 2) / view.scale]; }

  function draw() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, dims.w, dims.h);
    var r = Math.max(1.5, Math.min(5, view.scale / 120));
    var current = null;
    for (var k = 0; k < order.length; k++) {
      var i = order[k];
      var c = colourOf[cl[i]] || '#777';
      if (c !== current) { ctx.fillStyle = c; current = c; }
      var sx = dims.w / 2 + (xs[i] - view.cx) * view.scale;
      var sy = dims.h / 2 - (ys[i] - view.cy) * view.scale;
      if (sx < -r || sy < -r || sx > dims.w + r || sy > dims.h + r) { continue; }
      ctx.fillRect(sx - r, sy - r, 2 * r, 2 * r);
    }
    ctx.font = '600 13px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.lineJoin = 'round';
    // largest styles first (the API's order); a label that would overlap one already drawn waits for a closer zoom
    var placed = [];
    labels.forEach(function (l) {
      var p = toScreen(l.x, l.y);
      var w = ctx.measureText(l.label).width + 6;
      var box = { x0: p[0] - w / 2, x1: p[0] + w / 2, y0: p[1] - 14, y1: p[1] + 4 };
      if (placed.some(function (b) { return b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1; })) {
        return;
      }
      placed.push(box);
      ctx.lineWidth = 4;
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      ctx.strokeText(l.label, p[0], p[1]);
      ctx.fillStyle = '#111';
      ctx.fillText(l.label, p[0], p[1]);
    });
    if (focused >= 0) {
      var f = toScreen(xs[focused], ys[focused]);
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#111';
      ctx.beginPath();
      ctx.arc(f[0], f[1], r + 4, 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (document.activeElement === canvas) {
      var q = toScreen(cursor.x, cursor.y);
      ctx.strokeStyle = '#0a58ca';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(q[0] - 10, q[1]); ctx.lineTo(q[0] + 10, q[1]);
      ctx.moveTo(q[0], q[1] - 10); ctx.lineTo(q[0], q[1] + 10);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(q[0], q[1], selectRadius() * view.scale, 0, 2 * Math.PI);
      ctx.setLineDash([4, 4]);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (box) {
      ctx.strokeStyle = '#0a58ca';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
    }
  }

  /** The radius S selects around the cursor: a tenth of the visible map's shorter side. */
  function selectRadius() { return Math.min(dims.w, dims.h) / view.scale / 10; }

  function nearest(x, y, maxPx) {
    var best = -1, bestD = Infinity, lim = maxPx / view.scale;
    for (var i = 0; i < n; i++) {
      var dx = xs[i] - x, dy = ys[i] - y, d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = i; }
    }
    return best >= 0 && Math.sqrt(bestD) <= lim ? best : -1;
  }

  function labelOf(i) {
    var a = legend.filter(function (l) { return l.getAttribute('data-cluster-id') === String(cl[i]); })[0];
    return a ? a.getAttribute('data-label') : '';
  }

  function show(i) {
    if (i === focused) { return; }
    focused = i;
    canvas.setAttribute('data-focused', i >= 0 ? ids[i] : '');
    draw();
    if (i < 0) { info.textContent = n + ' products. Point at a dot, or focus the map and use the arrow keys.'; return; }
    var id = ids[i];
    var style = labelOf(i);
    render(id, details[id], style);
    if (!details[id]) {
      fetch('/api/products/' + encodeURIComponent(id)).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) { if (p) { details[id] = p; if (ids[focused] === id) { render(id, p, style); } } });
    }
  }

  function render(id, p, style) {
    info.textContent = '';
    if (p && p.images && p.images.length) {
      var img = document.createElement('img');
      img.src = p.images[0] + '/thumbnail';
      img.alt = '';
      img.width = 64; img.height = 64;
      info.appendChild(img);
    }
    var text = document.createElement('span');
    var name = document.createElement('a');
    name.href = '/products/' + encodeURIComponent(id);
    name.textContent = p ? p.name : id;
    name.setAttribute('data-map-product', id);
    text.appendChild(name);
    var extra = [];
    if (p && p.price != null) { extra.push(p.price + (p.currency ? ' ' + p.currency : '')); }
    if (style) { extra.push('style: ' + style); }
    text.appendChild(document.createTextNode(extra.length ? ' · ' + extra.join(' · ') : ''));
    info.appendChild(text);
  }

  function openFocused() { if (focused >= 0) { window.location.href = '/products/' + encodeURIComponent(ids[focused]); } }

  function near(x, y, r) {
    window.location.href = '/?near=' + [x, y, r].map(function (v) { return v.toFixed(4); }).join(',');
  }

  function zoom(factor, sx, sy) {
    var before = toMap(sx, sy);
    view.scale = Math.max(20, Math.min(view.scale * factor, 200000));
    var after = toMap(sx, sy);
    view.cx += before[0] - after[0];
    view.cy += before[1] - after[1];
    draw();
  }

  var drag = null;
  canvas.addEventListener('mousedown', function (e) {
    var r = canvas.getBoundingClientRect();
    var sx = e.clientX - r.left, sy = e.clientY - r.top;
    drag = { sx: sx, sy: sy, cx: view.cx, cy: view.cy, moved: false, box: e.shiftKey };
    // the keyboard cursor follows the mouse, so the keys carry on from where it pointed
    var m = toMap(sx, sy);
    cursor.x = m[0]; cursor.y = m[1];
    if (e.shiftKey) { box = { x0: sx, y0: sy, x1: sx, y1: sy }; }
  });
  window.addEventListener('mousemove', function (e) {
    var r = canvas.getBoundingClientRect();
    var sx = e.clientX - r.left, sy = e.clientY - r.top;
    if (drag) {
      if (Math.abs(sx - drag.sx) + Math.abs(sy - drag.sy) > 3) { drag.moved = true; }
      if (drag.box) {
        box = { x0: Math.min(drag.sx, sx), y0: Math.min(drag.sy, sy), x1: Math.max(drag.sx, sx), y1: Math.max(drag.sy, sy) };
        draw();
      } else {
        view.cx = drag.cx - (sx - drag.sx) / view.scale;
        view.cy = drag.cy + (sy - drag.sy) / view.scale;
        draw();
      }
      return;
    }
    if (e.target !== canvas) { return; }
    var m = toMap(sx, sy);
    show(nearest(m[0], m[1], 8));
  });
  window.addEventListener('mouseup', function (e) {
    if (!drag) { return; }
    var d = drag;
    drag = null;
    if (d.box && box && d.moved) {
      var a = toMap(box.x0, box.y0), b = toMap(box.x1, box.y1);
      box = null;
      // the circle around the box: every product in the box is in it
      near((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, Math.hypot(b[0] - a[0], b[1] - a[1]) / 2);
      return;
    }
    box = null;
    if (!d.moved && e.target === canvas) { openFocused(); }
  });
  canvas.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = canvas.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.25 : 0.8, e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });

  canvas.addEventListener('keydown', function (e) {
    var step = 40 / view.scale;
    var handled = true;
    switch (e.key) {
      case 'ArrowLeft': cursor.x -= step; break;
      case 'ArrowRight': cursor.x += step; break;
      case 'ArrowUp': cursor.y += step; break;
      case 'ArrowDown': cursor.y -= step; break;
      case '+': case '=': zoomAtCursor(1.25); break;
      case '-': case '_': zoomAtCursor(0.8); break;
      case '0': reset(); cursor.x = 0; cursor.y = 0; break;
      case 'Enter': openFocused(); break;
      case 's': case 'S': near(cursor.x, cursor.y, selectRadius()); break;
      default: handled = false;
    }
    if (!handled) { return; }
    e.preventDefault();
    keepCursorInView();
    show(nearest(cursor.x, cursor.y, 24));
    draw();
  });
  canvas.addEventListener('focus', function () {
    // focus by Tab shows what the cursor is on; focus by a click keeps what the mouse points at
    if (!drag) { keepCursorInView(); show(nearest(cursor.x, cursor.y, 24)); }
    draw();
  });
  canvas.addEventListener('blur', draw);

  function zoomAtCursor(f) { var p = toScreen(cursor.x, cursor.y); zoom(f, p[0], p[1]); }
  function keepCursorInView() {
    var p = toScreen(cursor.x, cursor.y);
    if (p[0] < 20 || p[0] > dims.w - 20) { view.cx = cursor.x; }
    if (p[1] < 20 || p[1] > dims.h - 20) { view.cy = cursor.y; }
  }

  root.querySelectorAll('[data-map-zoom]').forEach(function (b) {
    b.addEventListener('click', function () {
      var how = b.getAttribute('data-map-zoom');
      if (how === 'reset') { reset(); draw(); } else { zoomAtCursor(how === 'in' ? 1.5 : 1 / 1.5); }
    });
  });
  root.querySelector('[data-map-select]').addEventListener('click', function () { near(cursor.x, cursor.y, selectRadius()); });
  window.addEventListener('resize', function () { dims = size(); draw(); });

  fetch(root.getAttribute('data-api')).then(function (r) {
    if (!r.ok) { throw new Error('HTTP ' + r.status); }
    return r.json();
  }).then(function (data) {
    n = data.count;
    ids = data.ids;
    xs = Float32Array.from(data.x);
    ys = Float32Array.from(data.y);
    cl = data.cluster;
    labels = data.clusters;
    order = new Array(n);
    for (var i = 0; i < n; i++) { order[i] = i; }
    order.sort(function (a, b) { return cl[a] - cl[b]; }); // one fill colour change per style
    reset();
    draw();
    show(-1);
    root.setAttribute('data-render-ms', (performance.now() - started).toFixed(1));
    root.setAttribute('data-count', String(n));
    root.setAttribute('data-ready', 'true');
  }).catch(function (err) {
    info.textContent = 'The map could not be loaded (' + err.message + '). The styles are listed below.';
    root.setAttribute('data-ready', 'failed');
  });
}());
