// Small enhancements; every page works without this file.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var FOCUS_KEY = 'lookalike-focus';

  function ready(fn) {
    if (document.readyState !== 'loading') { fn(); } else { document.addEventListener('DOMContentLoaded', fn); }
  }

  ready(function () {
    var form = document.querySelector('[data-search-form]');
    if (form) { filters(form); }
    photoUpload();
    cropBox();
    productPhotos();
    loadMore();
    restoreFocus(); // last: the control to focus may be one made above (the price slider)
  });

  // ---- filters: one navigation per committed change, never one per key step (WCAG 3.2.2)
  function filters(form) {
    var min = form.querySelector('#min_price');
    var max = form.querySelector('#max_price');
    var error = form.querySelector('[data-price-error]');
    var details = form.querySelector('[data-filters]');
    // a choice made with a pointer (mouse, touch, pen) is committed at once; one made with keys is a step
    // (each arrow press changes a menu or slider) and waits for Enter, the Apply button or a pointer
    var keyed = null; // the control last changed with keys
    var stepped = false;
    form.addEventListener('pointerdown', function () { keyed = null; }, true);
    form.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && e.target.matches && e.target.matches('select, input[type=range]')) {
        e.preventDefault();
        submit(form, e.target);
        return;
      }
      if (e.key !== 'Tab' && e.key !== 'Shift') { keyed = e.target; }
      // arrow keys step a number field one unit at a time: each step is not a choice yet
      stepped = /^(ArrowUp|ArrowDown|PageUp|PageDown)$/.test(e.key) && e.target.matches('input[type=number]');
    }, true);

    if (max) { slider(form, max, function (el) { return keyed === el; }); }

    form.querySelectorAll('[data-autosubmit]').forEach(function (el) {
      el.addEventListener('change', function () {
        var commit = el.matches('input[type=number]') ? !stepped : el.type === 'checkbox' || keyed !== el;
        if (commit) { submit(form, el); } else { pending(form); }
      });
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      submit(form, document.activeElement);
    });

    function checkPrices() {
      if (!min || !max) { return true; }
      var lo = min.value === '' ? null : Number(min.value);
      var hi = max.value === '' ? null : Number(max.value);
      var msg = '';
      if (lo !== null && hi !== null && lo > hi) { msg = 'Min price must not be above max price.'; }
      min.setCustomValidity(msg);
      if (error) { error.textContent = msg; error.hidden = !msg; }
      return !msg;
    }
    [min, max].forEach(function (el) { if (el) { el.addEventListener('input', checkPrices); } });
    form.checkPrices = checkPrices;

    // the filters fold behind one button on phones; wider screens show them open (without this script
    // the style sheet shows them there all the same)
    if (details) {
      var wide = window.matchMedia('(min-width: 701px)');
      var fit = function () { if (wide.matches) { details.open = true; } };
      fit();
      if (wide.addEventListener) { wide.addEventListener('change', fit); }
    }
  }

  function pending(form) {
    var apply = form.querySelector('[data-apply]');
    if (apply) { apply.classList.add('pending'); }
  }

  // the price field stays the control (it works without JavaScript); a slider beside it sets it by dragging
  function slider(form, max, keyed) {
    var ceiling = Number(max.dataset.ceiling);
    if (!(ceiling > 0)) { return; }
    var range = document.createElement('input');
    range.type = 'range';
    range.id = 'max_price_slider';
    range.min = '0';
    range.max = String(ceiling);
    range.step = '1';
    range.value = max.value === '' ? String(ceiling) : max.value;
    range.setAttribute('aria-label', 'Max price slider');
    range.className = 'price-slider';
    max.parentNode.appendChild(range);
    range.addEventListener('input', function () {
      max.value = Number(range.value) >= ceiling ? '' : range.value;
      if (form.checkPrices) { form.checkPrices(); }
    });
    // a drag ends with one change; a key step is a change too, and waits for Enter or Apply
    range.addEventListener('change', function () { if (keyed(range)) { pending(form); } else { submit(form, range); } });
    max.addEventListener('input', function () { range.value = max.value === '' ? String(ceiling) : max.value; });
  }

  // Clean, shareable URLs: leave out empty fields and a price at the top of the range.
  function submit(form, focused) {
    if (form.checkPrices && !form.checkPrices()) {
      var min = form.querySelector('#min_price');
      if (min) { min.reportValidity(); }
      return;
    }
    var params = new URLSearchParams();
    var data = new FormData(form);
    var max = form.querySelector('#max_price');
    data.forEach(function (value, key) {
      if (value === '' || value === null) { return; }
      if (max && key === 'max_price' && Number(value) >= Number(max.dataset.ceiling)) { return; }
      params.append(key, value);
    });
    if (focused && focused.id) {
      try { sessionStorage.setItem(FOCUS_KEY, focused.id); } catch (e) { /* private mode: focus is not kept */ }
    }
    var query = params.toString();
    window.location.href = form.getAttribute('action') + (query ? '?' + query : '');
  }

  function restoreFocus() {
    var id = null;
    try { id = sessionStorage.getItem(FOCUS_KEY); sessionStorage.removeItem(FOCUS_KEY); } catch (e) { return; }
    var el = id && document.getElementById(id);
    if (!el) { return; }
    var details = el.closest('details');
    if (details) { details.open = true; }
    el.focus({ preventScroll: false });
  }

  // ---- search by photo: file picker, paste (Ctrl+V) and drop, refused in the browser when too large
  function photoUpload() {
    var form = document.querySelector('[data-photo-form]');
    if (!form) { return; }
    var input = form.querySelector('#image');
    var error = form.querySelector('[data-photo-error]');
    var maxBytes = Number(form.dataset.maxBytes);
    var types = /^image\/(jpeg|png|webp|gif|bmp)$/;

    function refuse(msg) {
      var details = form.closest('details');
      if (details) { details.open = true; }
      error.textContent = msg;
      error.hidden = false;
    }
    function send(file) {
      if (!file) { return; }
      if (file.type && !types.test(file.type)) {
        refuse('That is not a photo Lookalike can read: send a JPEG, PNG, WebP, GIF or BMP.');
        return;
      }
      if (maxBytes > 0 && file.size > maxBytes) {
        refuse('That photo is ' + megabytes(file.size) + ': the largest accepted is ' + form.dataset.maxSize
          + '. Send a smaller one.');
        return;
      }
      error.hidden = true;
      if (input.files[0] !== file && window.DataTransfer) {
        var dt = new DataTransfer();
        dt.items.add(file);
        input.files = dt.files;
      }
      form.querySelector('#url').value = '';
      form.submit();
    }
    input.addEventListener('change', function () {
      if (input.files && input.files.length) { send(input.files[0]); }
    });
    form.addEventListener('submit', function (e) {
      var file = input.files && input.files[0];
      if (file && maxBytes > 0 && file.size > maxBytes) { e.preventDefault(); send(file); }
    });
    function imageOf(list) {
      for (var i = 0; list && i < list.length; i++) {
        var f = list[i].getAsFile ? (list[i].kind === 'file' ? list[i].getAsFile() : null) : list[i];
        if (f && /^image\//.test(f.type)) { return f; }
      }
      return null;
    }
    document.addEventListener('paste', function (e) {
      var file = e.clipboardData && (imageOf(e.clipboardData.files) || imageOf(e.clipboardData.items));
      if (file) { e.preventDefault(); send(file); }
    });
    document.addEventListener('dragover', function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, 'Files') >= 0) {
        e.preventDefault();
        document.documentElement.classList.add('dropping');
      }
    });
    document.addEventListener('dragleave', function () { document.documentElement.classList.remove('dropping'); });
    document.addEventListener('drop', function (e) {
      document.documentElement.classList.remove('dropping');
      var file = e.dataTransfer && imageOf(e.dataTransfer.files);
      if (file) { e.preventDefault(); send(file); }
    });
  }

  function megabytes(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MiB' : Math.ceil(n / 1024) + ' KiB';
  }

  // ---- crop box: drag a rectangle on the search photo; the crop is in the photo's own pixels
  function cropBox() {
    var box = document.querySelector('[data-search-photo]');
    if (!box) { return; }
    var frame = box.querySelector('[data-crop-frame]');
    var img = frame.querySelector('img');
    var draw = frame.querySelector('[data-crop-draw]');
    var w = Number(box.dataset.width);
    var h = Number(box.dataset.height);
    var start = null;
    function at(e) {
      var r = img.getBoundingClientRect();
      return {
        x: Math.max(0, Math.min(w, (e.clientX - r.left) / r.width * w)),
        y: Math.max(0, Math.min(h, (e.clientY - r.top) / r.height * h))
      };
    }
    function rect(a, b) {
      return { x: Math.round(Math.min(a.x, b.x)), y: Math.round(Math.min(a.y, b.y)),
        w: Math.round(Math.abs(a.x - b.x)), h: Math.round(Math.abs(a.y - b.y)) };
    }
    frame.addEventListener('pointerdown', function (e) {
      e.preventDefault();
      start = at(e);
      if (frame.setPointerCapture) { frame.setPointerCapture(e.pointerId); }
    });
    frame.addEventListener('pointermove', function (e) {
      if (!start) { return; }
      var r = rect(start, at(e));
      draw.setAttribute('x', r.x); draw.setAttribute('y', r.y);
      draw.setAttribute('width', r.w); draw.setAttribute('height', r.h);
    });
    frame.addEventListener('pointerup', function (e) {
      if (!start) { return; }
      var r = rect(start, at(e));
      start = null;
      if (r.w < 8 || r.h < 8) { draw.setAttribute('width', 0); return; } // a click, not a crop
      window.location.href = box.dataset.cropBase + '&crop=' + [r.x, r.y, r.w, r.h].join(',');
    });
  }

  // ---- product page: a small photo becomes the main one, without leaving the page
  function productPhotos() {
    var main = document.querySelector('[data-main-photo]');
    if (!main) { return; }
    var link = document.querySelector('[data-main-link]');
    document.querySelectorAll('[data-photo-src]').forEach(function (a) {
      a.addEventListener('click', function (e) {
        if (e.metaKey || e.ctrlKey || e.shiftKey) { return; }
        e.preventDefault();
        main.srcset = a.dataset.photoSrcset;
        main.src = a.dataset.photoSrc;
        main.width = Number(a.dataset.photoWidth);
        main.height = Number(a.dataset.photoHeight);
        if (link) { link.href = a.dataset.photoFull; }
        document.querySelectorAll('[data-photo-src][aria-current]').forEach(function (o) { o.removeAttribute('aria-current'); });
        a.setAttribute('aria-current', 'true');
        history.replaceState(history.state, '', a.href);
      });
    });
  }

  // ---- "More results" appends the next page in place; the address follows, so refresh and Back keep the place
  function loadMore() {
    document.addEventListener('click', function (e) {
      var link = e.target.closest && e.target.closest('a[data-more]');
      if (!link || e.metaKey || e.ctrlKey || e.shiftKey) { return; }
      var grid = document.querySelector('[data-grid]');
      if (!grid || !window.fetch || !window.DOMParser) { return; }
      e.preventDefault();
      var url = link.href;
      link.setAttribute('aria-busy', 'true');
      fetch(url, { headers: { 'Accept': 'text/html' } })
        .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var cards = doc.querySelectorAll('[data-grid] > li');
          var firstNew = null;
          cards.forEach(function (c) {
            var node = document.importNode(c, true);
            grid.appendChild(node);
            firstNew = firstNew || node;
          });
          var next = doc.querySelector('a[data-more]');
          if (next) { link.href = next.href; link.removeAttribute('aria-busy'); } else { link.remove(); }
          history.replaceState({ more: true }, '', url);
          var status = document.querySelector('.results .status');
          if (status) { status.textContent = 'Showing ' + grid.children.length + ' results' + (next ? ', more below.' : '.'); }
          if (firstNew) { var a = firstNew.querySelector('.card-name a'); if (a) { a.focus({ preventScroll: true }); } }
        })
        .catch(function () { window.location.href = url; });
    });
  }
})();
