#ifndef CLIBEDIT_SHIM_H
#define CLIBEDIT_SHIM_H
// Debian's libedit (make deps installs libedit-dev). el_set and history take C variadic
// arguments, which Swift cannot pass: each use the collector needs is a small function here.
#include <histedit.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

typedef char *(*ictreport_prompt_fn)(EditLine *);
typedef unsigned char (*ictreport_key_fn)(EditLine *, int);

/// Whether the character type locale is UTF-8, switching to C.UTF-8 when the environment's
/// is not (libedit decodes the keyboard through it).
static inline int ictreport_utf8_locale(void) {
    setlocale(LC_CTYPE, "");
    if (strcmp(nl_langinfo(CODESET), "UTF-8") == 0) return 1;
    return setlocale(LC_CTYPE, "C.UTF-8") != NULL && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/// An editor on the standard streams with emacs key bindings.
static inline EditLine *ictreport_el_open(void) {
    EditLine *el = el_init("ictreport", stdin, stdout, stderr);
    if (el) el_set(el, EL_EDITOR, "emacs");
    return el;
}

/// The prompt; characters between two \1 are escape sequences (colours), not printed text.
static inline void ictreport_el_prompt(EditLine *el, ictreport_prompt_fn fn) { el_set(el, EL_PROMPT_ESC, fn, '\1'); }
static inline void ictreport_el_set_data(EditLine *el, void *data) { el_set(el, EL_CLIENTDATA, data); }
static inline void *ictreport_el_data(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline void ictreport_el_addfn(EditLine *el, const char *name, const char *help, ictreport_key_fn fn) {
    el_set(el, EL_ADDFN, name, help, fn);
}
static inline void ictreport_el_bind(EditLine *el, const char *keys, const char *name) { el_set(el, EL_BIND, keys, name, NULL); }

/// A history the Up and Down keys walk, attached to the editor.
static inline History *ictreport_history_open(EditLine *el) {
    History *h = history_init();
    HistEvent ev;
    history(h, &ev, H_SETSIZE, 20);
    el_set(el, EL_HIST, history, h);
    return h;
}
static inline void ictreport_history_clear(History *h) {
    HistEvent ev;
    history(h, &ev, H_CLEAR);
}
static inline void ictreport_history_add(History *h, const char *line) {
    HistEvent ev;
    history(h, &ev, H_ENTER, line);
}
#endif
