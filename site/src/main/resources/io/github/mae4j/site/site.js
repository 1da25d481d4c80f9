// mae4j documentation: folds the navigation on small screens, and searches the pages (search-index.js).
(function () {
  'use strict';
  var root = document.body.getAttribute('data-root') || '';
  if (window.matchMedia && window.matchMedia('(max-width: 62rem)').matches) {
    ['site-nav', 'page-toc'].forEach(function (id) {
      var d = document.getElementById(id);
      if (d) { d.open = false; }
    });
  }
  var input = document.getElementById('search');
  var list = document.getElementById('search-results');
  if (!input || !list) { return; }
  function pages() { return window.MAE4J_SEARCH || []; }
  function score(page, terms) {
    var title = page.t.toLowerCase(), text = page.x.toLowerCase(), total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i], s = 0;
      if (title.indexOf(t) >= 0) { s += 10; }
      for (var j = 0; j < page.h.length; j++) { if (page.h[j][1].toLowerCase().indexOf(t) >= 0) { s += 4; } }
      if (text.indexOf(t) >= 0) { s += 1; }
      if (s === 0) { return 0; }
      total += s;
    }
    return total;
  }
  function anchor(page, terms) {
    for (var j = 0; j < page.h.length; j++) {
      var h = page.h[j][1].toLowerCase();
      if (terms.every(function (t) { return h.indexOf(t) >= 0; })) { return page.h[j]; }
    }
    return null;
  }
  function show() {
    var q = input.value.trim().toLowerCase();
    list.innerHTML = '';
    if (q.length < 2) { list.hidden = true; return; }
    var terms = q.split(/\s+/);
    var hits = pages().map(function (p) { return { p: p, s: score(p, terms) }; })
      .filter(function (h) { return h.s > 0; })
      .sort(function (a, b) { return b.s - a.s; }).slice(0, 12);
    if (hits.length === 0) {
      var none = document.createElement('li');
      none.textContent = 'No page mentions "' + q + '"';
      none.style.padding = '.35rem .8rem';
      list.appendChild(none);
    }
    hits.forEach(function (h) {
      var a = document.createElement('a'), at = anchor(h.p, terms);
      a.href = root + h.p.u + (at ? '#' + at[0] : '');
      a.textContent = h.p.t + (at ? ' › ' + at[1] : '');
      var small = document.createElement('small');
      small.textContent = h.p.s;
      a.appendChild(small);
      var li = document.createElement('li');
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
  }
  input.addEventListener('input', show);
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') {
      var first = list.querySelector('a');
      if (first) { window.location.href = first.href; }
    } else if (e.key === 'Escape') { input.value = ''; show(); }
  });
  document.addEventListener('click', function (e) {
    if (!list.contains(e.target) && e.target !== input) { list.hidden = true; }
  });
}());
