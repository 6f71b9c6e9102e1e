/// The style sheet and the page script, served under /static (`WebPages.registerStatic`). Kept
/// as Swift text, not package resources: the binary is all `serve` needs, wherever it runs.
enum StaticFiles {
    /// /static/app.css — every page.
    static let appCSS = #"""
        /* ictreport serve: one style sheet for every page. Phone first (390 px wide: nothing wider
           than the screen; wide tables scroll inside their own box), keyboard focus always visible,
           A4 printing of the printable view. */
        *, *::before, *::after { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; font: 16px/1.5 system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1b1f24; background: #f5f6f8; overflow-wrap: anywhere; }
        .wrap { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
        main.wrap { background: #fff; padding-top: 1rem; padding-bottom: 2rem; min-height: 80vh; }
        a { color: #0b57a4; }
        a:hover { color: #073b70; }
        :focus-visible { outline: 3px solid #e07b00; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
        .skip:focus { left: .5rem; }
        h1 { font-size: 1.45rem; line-height: 1.3; margin: .5rem 0 1rem; }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
        h2.sub { font-size: 1.08rem; margin: 1.75rem 0 .5rem; padding-top: .75rem; border-top: 1px solid #dde1e6; }
        p.part, h2.part { font-weight: 700; text-transform: uppercase; color: #444c56; margin: .5rem 0 0; font-size: .95rem; }
        .help { color: #4a525c; font-size: .93rem; margin: .25rem 0 .5rem; }
        .note { background: #f1f5fb; border-left: 4px solid #8aa9d6; padding: .5rem .75rem; font-size: .95rem; }

        /* Top bar */
        header.top { background: #0b3d6e; color: #fff; }
        header.top .wrap { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; justify-content: space-between; padding-top: .5rem; padding-bottom: .5rem; }
        header.top a, header.top button.link { color: #fff; }
        header.top .app { opacity: .8; margin-right: .25rem; }
        header.top nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; }
        form.inline { display: inline; margin: 0; }
        button.link { background: none; border: 0; padding: 0; font: inherit; text-decoration: underline; cursor: pointer; min-height: 0; }

        /* Banners and issues */
        .banner { border-radius: 6px; padding: .6rem .9rem; margin: .75rem 0; border: 1px solid; }
        .banner p { margin: .25rem 0; }
        .banner.notice { background: #eaf6ec; border-color: #8cc79a; }
        .banner.warning { background: #fff6e0; border-color: #e5b84d; }
        .banner.error { background: #fdecec; border-color: #e08a8a; }
        blockquote.comment { margin: .25rem 0; padding: .4rem .75rem; background: #fff; border-left: 4px solid #b0883a; white-space: pre-wrap; }
        .issues:empty { display: none; }
        .issue { margin: .3rem 0; padding: .3rem .6rem; border-radius: 4px; font-size: .93rem; }
        .issue.error { background: #fdecec; color: #8a1414; }
        .issue.warning { background: #fff6e0; color: #6b4a00; }
        .counts { font-size: .93rem; color: #4a525c; }
        ul.issue-list { padding-left: 1.25rem; }
        ul.issue-list li { margin: .35rem 0; }
        ul.issue-list li.error::marker { color: #b11; }
        .tag { display: inline-block; font-size: .8rem; padding: 0 .45rem; border-radius: 999px; margin-left: .25rem; border: 1px solid #ccd; white-space: nowrap; }
        .tag.error { background: #fdecec; border-color: #e08a8a; }
        .tag.warning { background: #fff6e0; border-color: #e5b84d; }
        .tag.ok { background: #eaf6ec; border-color: #8cc79a; }
        .tag.missing { background: #f0f1f3; }

        /* Questions */
        fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
        fieldset.plain { border: 0; padding: 0; margin: 0; }
        .q { margin: 1.1rem 0; }
        .q > label, .q > legend { display: block; font-weight: 600; margin-bottom: .3rem; padding: 0; }
        .num { color: #0b3d6e; }
        .req { color: #b11; }
        input[type=text], input[type=email], input[type=tel], input[type=url], input[type=password], textarea {
          font: inherit; width: 100%; max-width: 100%; padding: .5rem .6rem; border: 1px solid #8d96a0; border-radius: 5px; background: #fff; min-height: 2.75rem; }
        textarea { min-height: 5rem; resize: vertical; }
        .field { display: flex; align-items: center; gap: .5rem; max-width: 100%; }
        .field.short input { max-width: 14rem; }
        .unit { color: #4a525c; white-space: nowrap; }
        [aria-invalid=true] { border-color: #c62828 !important; box-shadow: 0 0 0 1px #c62828; }
        .opts { display: flex; flex-direction: column; gap: .15rem; }
        .opts.inline { flex-direction: row; flex-wrap: wrap; gap: .15rem 1.25rem; }
        label.opt { display: flex; gap: .5rem; align-items: flex-start; padding: .35rem 0; cursor: pointer; font-weight: 400; min-height: 2.75rem; align-items: center; }
        label.opt input { width: 1.25rem; height: 1.25rem; margin: 0; flex: none; }
        label.opt.none { color: #4a525c; }

        /* Tables as rows of cards */
        fieldset.table > legend { font-weight: 600; }
        .rows { display: flex; flex-direction: column; gap: .75rem; margin: .5rem 0; }
        fieldset.row { border: 1px solid #c9cfd6; border-radius: 8px; padding: .25rem .9rem .75rem; background: #fafbfc; }
        fieldset.row > legend { font-weight: 600; padding: 0 .35rem; }
        fieldset.row .q { margin: .6rem 0; }
        fieldset.row .q > label, fieldset.row .q > legend { font-weight: 500; }
        .empty { color: #4a525c; font-style: italic; }
        @media (min-width: 50rem) {
          fieldset.row .cells { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0 1.25rem; }
        }

        /* Buttons */
        button, a.button { font: inherit; display: inline-flex; gap: .3em; align-items: center; justify-content: center; min-height: 2.75rem; padding: .45rem 1rem; border-radius: 6px; border: 1px solid #5b6670; background: #fff; color: #1b1f24; cursor: pointer; text-decoration: none; }
        button.primary, a.button.primary { background: #0b57a4; border-color: #0b57a4; color: #fff; }
        button:hover, a.button:hover { filter: brightness(.95); }
        button.delete-row { border-color: #b11; color: #8a1414; margin-top: .25rem; }
        button.add-row { margin-top: .25rem; }
        .actions { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1.25rem 0; }
        .autosave { font-size: .9rem; color: #2e6b36; min-height: 1.3em; margin: .5rem 0 0; }
        .autosave.failed { color: #8a1414; }
        nav.pager { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem 1rem; border-top: 1px solid #dde1e6; padding-top: 1rem; margin-top: 1.5rem; }

        /* Start page, review */
        ol.sections li { margin: .4rem 0; }
        ol.warnings { padding-left: 1.25rem; }
        li.warning-item { margin: 1rem 0; padding: .5rem .75rem; background: #fffaf0; border: 1px solid #ecd9a7; border-radius: 6px; }
        li.warning-item.unconfirmed { border-color: #c62828; background: #fff2f2; }
        li.warning-item label:not(.opt) { display: block; font-size: .93rem; margin-top: .25rem; }

        /* Desk */
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; font-size: .9rem; overflow-wrap: normal; }
        th, td { overflow-wrap: break-word; }
        body.desk .wrap { max-width: 96rem; }
        table.matrix thead th { white-space: nowrap; }
        table.matrix td.state { white-space: nowrap; }
        th, td { border: 1px solid #d3d8de; padding: .3rem .45rem; text-align: left; vertical-align: top; }
        thead th { background: #eef1f5; }
        table.matrix th[scope=row] { min-width: 12rem; }
        table.matrix td.cell { font-size: .8rem; white-space: nowrap; }
        td.num { text-align: right; }
        .cell.missing { background: #f3f4f6; color: #59616b; }
        .cell.draft { background: #fff8e1; }
        .cell.submitted { background: #e3f0fd; }
        .cell.returned { background: #fde7e7; }
        .cell.accepted { background: #e4f5e7; }
        .state.returned { color: #a11; font-weight: 600; }
        .state.accepted { color: #1d6b2a; font-weight: 600; }
        ul.summary { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; list-style: none; padding: 0; }
        .cell .marks { color: #8a1414; }
        .decide { display: grid; gap: 1rem; }
        @media (min-width: 50rem) { .decide { grid-template-columns: 1fr 1fr; } }
        .decide form { border: 1px solid #d3d8de; border-radius: 8px; padding: 0 1rem; }
        .crumbs { margin: 0; font-size: .93rem; }
        .meta { color: #4a525c; }
        form.login { max-width: 24rem; }

        /* The report as printed */
        .printout h1 { font-size: 1.2rem; text-align: center; }
        .printout .unit-name { font-weight: 700; text-transform: uppercase; }
        .printout .subtitle, .printout .meta { text-align: center; font-style: italic; }
        .report-section h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
        .report-section h4 { font-size: 1rem; margin: 1rem 0 .35rem; }
        .answer { margin: .3rem 0; }
        .answer .value { font-weight: 600; white-space: pre-wrap; }
        .answer .blank { color: #6a727c; font-weight: 400; font-style: italic; }
        table.report { width: 100%; }
        table.report td.n { text-align: right; }

        @media print {
          @page { size: A4; margin: 18mm 15mm 18mm 20mm; }
          body { background: #fff; font-size: 11pt; }
          header.top, .skip, .no-print, nav.pager { display: none !important; }
          main.wrap { max-width: none; padding: 0; min-height: 0; }
          a { color: inherit; text-decoration: none; }
          .scroll { overflow: visible; }
          table { font-size: 9pt; page-break-inside: auto; }
          tr, .answer { page-break-inside: avoid; }
          h2, h3, h4 { page-break-after: avoid; }
        }
        """#

    /// /static/form.js — the unit's section page.
    static let formJS = #"""
        // ictreport serve — the unit's section page, when JavaScript is on. The page works without it
        // (a plain form that posts); this adds: every change saved to the draft at once (the server
        // reads it with the terminal's parser and checks it with the same Validator), the problems
        // shown next to each field as soon as the answer is saved, questions shown or hidden as the
        // skip logic says, and table rows added and deleted without reloading the page.
        // No inline script anywhere (the Content-Security-Policy forbids it); text goes into the page
        // only through textContent, never as markup.
        (function () {
          'use strict';
          var form = document.getElementById('section-form');
          if (!form || form.dataset.readonly) return;
          var status = document.getElementById('autosave');
          // The form's address (form.action would be the buttons named "action").
          var address = form.getAttribute('action');
          var msg = function (name) { return form.dataset[name] || ''; };
          var timer = null;
          var inFlight = null;
          var pending = false;

          function fields() {
            var data = new URLSearchParams(new FormData(form));
            data.set('action', 'autosave');
            return data;
          }

          function save() {
            clearTimeout(timer);
            timer = null;
            if (inFlight) { pending = true; return inFlight; }
            status.classList.remove('failed');
            status.textContent = msg('msgSaving');
            inFlight = fetch(address, {
              method: 'POST',
              headers: { 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
              body: fields(),
              credentials: 'same-origin'
            }).then(function (response) {
              return response.json().then(function (body) { return { ok: response.ok, body: body }; });
            }).then(function (r) {
              show(r.body);
              if (!r.ok && r.body.message) {
                status.classList.add('failed');
                status.textContent = r.body.message;
              }
            }).catch(function () {
              status.classList.add('failed');
              status.textContent = msg('msgOffline');
            }).then(function () {
              inFlight = null;
              if (pending) { pending = false; save(); }
            });
            return inFlight;
          }

          // What the server said about the saved answers: its problems and the questions now asked.
          function show(body) {
            if (!body || !body.issues) return;
            var boxes = form.querySelectorAll('.issues');
            for (var i = 0; i < boxes.length; i++) boxes[i].textContent = '';
            var sectionBox = document.getElementById('e-section');
            if (sectionBox) sectionBox.textContent = '';
            // An input that could not be read shows why, not that its answer is missing.
            var rejected = body.rejected || [];
            var unread = {};
            rejected.forEach(function (r) { unread[r.target] = true; });
            var all = rejected.concat(body.issues.filter(function (i) { return !unread[i.target]; }));
            for (var k = 0; k < all.length; k++) {
              var issue = all[k];
              var box = document.getElementById(issue.target) || sectionBox;
              if (!box) continue;
              var p = document.createElement('p');
              p.className = 'issue ' + issue.severity;
              var strong = document.createElement('strong');
              strong.textContent = issue.label + ':';
              p.appendChild(strong);
              p.appendChild(document.createTextNode(' ' + issue.text));
              box.appendChild(p);
            }
            var hidden = {};
            (body.hidden || []).forEach(function (id) { hidden[id] = true; });
            // In document order: a table before its cells, so a cell of a hidden table is off too.
            var wrappers = form.querySelectorAll('[data-field]');
            for (var w = 0; w < wrappers.length; w++) {
              var el = wrappers[w];
              var parent = el.parentElement.closest('[data-field]');
              var off = !!hidden[el.id] || !!(parent && parent.hidden);
              el.hidden = off;
              var inputs = el.querySelectorAll('input, textarea');
              for (var n = 0; n < inputs.length; n++) {
                if (inputs[n].closest('[data-field]') === el) inputs[n].disabled = off;
              }
            }
            // aria-invalid on the inputs whose problem boxes hold an error.
            var controls = form.querySelectorAll('input, textarea');
            for (var c = 0; c < controls.length; c++) {
              var ids = (controls[c].getAttribute('aria-describedby') || '').split(' ');
              var bad = ids.some(function (id) {
                var b = id && document.getElementById(id);
                return b && b.querySelector('.issue.error');
              });
              if (bad) controls[c].setAttribute('aria-invalid', 'true'); else controls[c].removeAttribute('aria-invalid');
            }
            var counts = document.getElementById('counts');
            if (counts && body.counts) counts.textContent = body.counts;
            if (body.message) status.textContent = body.message;
          }

          // Table rows: renumber a row's names and ids from one number to another.
          function renumber(row, table, from, to) {
            var idPattern = new RegExp('^([a-z]-' + table + '-)' + from + '(?=-|$)');
            var namePattern = new RegExp('^(a\\.' + table + '\\.)' + from + '\\.');
            var swap = function (v) { return v.replace(idPattern, '$1' + to); };
            var all = [row].concat(Array.prototype.slice.call(row.querySelectorAll('*')));
            all.forEach(function (el) {
              ['id', 'for', 'list'].forEach(function (a) {
                if (el.hasAttribute(a)) el.setAttribute(a, swap(el.getAttribute(a)));
              });
              if (el.hasAttribute('aria-describedby')) {
                el.setAttribute('aria-describedby', el.getAttribute('aria-describedby').split(' ').map(swap).join(' '));
              }
              if (el.name) el.name = el.name.replace(namePattern, '$1' + to + '.');
              if (el.name === 'row.' + table) el.value = String(to);
              if (el.classList.contains('delete-row')) el.value = 'delete:' + table + ':' + to;
              if (el.classList.contains('n')) el.textContent = String(to);
            });
            row.dataset.row = String(to);
          }

          function rowsOf(table) {
            return Array.prototype.slice.call(document.querySelectorAll('#rows-' + table + ' > fieldset.row'));
          }

          form.addEventListener('click', function (e) {
            var button = e.target.closest('button');
            if (!button || !form.contains(button)) return;
            var value = button.value || '';
            if (value.indexOf('add:') === 0) {
              e.preventDefault();
              var table = value.slice(4);
              var template = document.getElementById('tpl-' + table);
              var holder = document.getElementById('rows-' + table);
              var row = template.content.firstElementChild.cloneNode(true);
              var n = rowsOf(table).length + 1;
              renumber(row, table, 0, n);
              var empty = holder.querySelector('[data-empty]');
              if (empty) empty.remove();
              holder.appendChild(row);
              var first = row.querySelector('input:not([type=hidden]), textarea');
              if (first) first.focus();
              status.textContent = msg('msgRowAdded').replace('{n}', n);
            } else if (value.indexOf('delete:') === 0) {
              e.preventDefault();
              var parts = value.split(':');
              var t = parts[1];
              var gone = button.closest('fieldset.row');
              var rows = rowsOf(t);
              var at = rows.indexOf(gone);
              gone.remove();
              rowsOf(t).forEach(function (r, i) { if (Number(r.dataset.row) !== i + 1) renumber(r, t, r.dataset.row, i + 1); });
              var left = rowsOf(t);
              var focus = left[Math.min(at, left.length - 1)];
              var target = focus ? focus.querySelector('.delete-row') : form.querySelector('button[value="add:' + t + '"]');
              if (target) target.focus();
              save();
            }
          });

          form.addEventListener('change', function () { save(); });
          // Typing: saved after a short pause, so a closed tab loses at most the last second.
          form.addEventListener('input', function (e) {
            if (e.target.type === 'radio' || e.target.type === 'checkbox') return;
            clearTimeout(timer);
            timer = setTimeout(save, 1200);
          });
          // Leaving the page with a change not yet sent: send it (keepalive outlives the page).
          window.addEventListener('pagehide', function () {
            if (timer) {
              clearTimeout(timer);
              fetch(address, {
                method: 'POST', keepalive: true, credentials: 'same-origin',
                headers: { 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
                body: fields()
              });
            }
          });
        })();
        """#
}
