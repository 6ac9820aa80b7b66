// Small enhancements; every page works without this file.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function ready(fn) {
    if (document.readyState !== 'loading') { fn(); } else { document.addEventListener('DOMContentLoaded', fn); }
  }

  ready(function () {
    var form = document.querySelector('[data-search-form]');
    if (form) {
      var range = form.querySelector('input[type=range][name=max_price]');
      var out = document.getElementById('max_price_out');
      var showPrice = function () {
        if (!range || !out) { return; }
        out.textContent = Number(range.value) >= Number(range.dataset.ceiling) ? out.dataset.any : range.value;
      };
      if (range) {
        range.addEventListener('input', showPrice);
        range.addEventListener('change', function () { submit(form); });
      }
      form.querySelectorAll('[data-autosubmit]').forEach(function (el) {
        el.addEventListener('change', function () { submit(form); });
      });
      form.querySelectorAll('input[type=number]').forEach(function (el) {
        el.addEventListener('change', function () { submit(form); });
      });
      // Clean, shareable URLs: leave out empty fields and a slider left at "any".
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        submit(form);
      });
    }

    var photoInput = document.getElementById('image');
    if (photoInput) {
      photoInput.addEventListener('change', function () {
        if (photoInput.files && photoInput.files.length) { photoInput.form.submit(); }
      });
    }

    // "More results" appends the next page in place instead of leaving the page.
    document.addEventListener('click', function (e) {
      var link = e.target.closest && e.target.closest('a[data-more]');
      if (!link || e.metaKey || e.ctrlKey || e.shiftKey) { return; }
      var grid = document.querySelector('[data-grid]');
      if (!grid || !window.fetch || !window.DOMParser) { return; }
      e.preventDefault();
      link.setAttribute('aria-busy', 'true');
      fetch(link.href, { headers: { 'Accept': 'text/html' } })
        .then(function (r) { return r.text(); })
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
          var prev = document.querySelector('.pager a[rel=prev]');
          if (prev) { prev.remove(); }
          if (next) { link.href = next.href; link.removeAttribute('aria-busy'); } else { link.remove(); }
          var status = document.querySelector('.results .status');
          if (status) { status.textContent = 'Showing ' + grid.children.length + ' results' + (next ? ', more below.' : '.'); }
          if (firstNew) { var a = firstNew.querySelector('.card-name a'); if (a) { a.focus({ preventScroll: true }); } }
        })
        .catch(function () { window.location.href = link.href; });
    });
  });

  function submit(form) {
    var params = new URLSearchParams();
    var data = new FormData(form);
    var range = form.querySelector('input[type=range][name=max_price]');
    data.forEach(function (value, key) {
      if (value === '' || value === null) { return; }
      if (range && key === 'max_price' && Number(value) >= Number(range.dataset.ceiling)) { return; }
      params.append(key, value);
    });
    var query = params.toString();
    window.location.href = form.getAttribute('action') + (query ? '?' + query : '');
  }
})();
