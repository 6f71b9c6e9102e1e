/*
 * The benchmark's reference: writes exactly the cells `ictreport merge --trace` recorded,
 * to the same sheets with the same formats, with libxlsxwriter alone (constant-memory mode,
 * as the merge uses) — no parsing of submissions, no validation, no layout logic.
 * The merge's time divided by this program's time is what our own code costs on top.
 *
 * Usage: reference TRACE OUT.xlsx   (prints "cells=N write_seconds=S close_seconds=C", the close included in S)
 */
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

static const unsigned char *p, *end;

static void need(size_t n) {
    if ((size_t)(end - p) < n) { fprintf(stderr, "reference: the trace is cut short\n"); exit(2); }
}
static uint8_t u8(void) { need(1); return *p++; }
static uint16_t u16(void) { need(2); uint16_t v; memcpy(&v, p, 2); p += 2; return v; }
static uint32_t u32(void) { need(4); uint32_t v; memcpy(&v, p, 4); p += 4; return v; }
static double f64(void) { need(8); double v; memcpy(&v, p, 8); p += 8; return v; }

/* Strings are copied to a NUL-terminated buffer, as the Swift side passes C strings. */
static char *buf; static size_t cap;
static const char *str(void) {
    uint32_t n = u32(); need(n);
    if (n + 1 > cap) { cap = (n + 1) * 2; buf = realloc(buf, cap); }
    memcpy(buf, p, n); buf[n] = 0; p += n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: reference TRACE OUT.xlsx\n"); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    fseek(f, 0, SEEK_END); long size = ftell(f); fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc(size);
    if (fread(data, 1, size, f) != (size_t)size) { perror("read"); return 2; }
    fclose(f);
    if (size < 5 || memcmp(data, "ICTR1", 5) != 0) { fprintf(stderr, "reference: not a trace\n"); return 2; }
    p = data + 5; end = data + size;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &options);
    lxw_worksheet *ws = NULL;
    lxw_worksheet **sheets = NULL; size_t nsheets = 0;
    lxw_format **formats = NULL; size_t nformats = 0;
    long cells = 0;
    while (p < end) {
        uint8_t op = u8();
        if (op == 1) {
            ws = workbook_add_worksheet(wb, str());
            sheets = realloc(sheets, (nsheets + 1) * sizeof *sheets);
            sheets[nsheets++] = ws;
            continue;
        }
        /* The merge writes its sheets interleaved (each in row order): switch sheet. */
        if (op == 10) { uint16_t k = u16(); if (k >= nsheets) { fprintf(stderr, "reference: no sheet %d\n", k); return 2; } ws = sheets[k]; continue; }
        if (op == 2) {
            uint16_t id = u16(); uint8_t flags = u8(), align = u8(); double size = f64(); uint32_t bg = u32();
            lxw_format *fmt = workbook_add_format(wb);
            const char *num = str(); if (*num) format_set_num_format(fmt, num);
            format_set_font_name(fmt, str());
            format_set_font_size(fmt, size);
            if (flags & 1) format_set_bold(fmt);
            if (flags & 2) format_set_italic(fmt);
            if (flags & 4) format_set_text_wrap(fmt);
            if (flags & 8) format_set_border(fmt, LXW_BORDER_THIN);
            if (align) format_set_align(fmt, align == 1 ? LXW_ALIGN_LEFT : align == 2 ? LXW_ALIGN_CENTER : LXW_ALIGN_RIGHT);
            if (flags & 16) format_set_align(fmt, LXW_ALIGN_VERTICAL_CENTER);
            if (bg != 0xFFFFFFFFu) format_set_bg_color(fmt, bg);
            if (id >= nformats) { nformats = id + 64; formats = realloc(formats, nformats * sizeof *formats); }
            formats[id] = fmt;
            continue;
        }
        if (op == 8) { uint16_t a = u16(), b = u16(); worksheet_set_column(ws, a, b, f64(), NULL); continue; }
        if (op == 9) { uint32_t r = u32(); worksheet_set_row(ws, r, f64(), NULL); continue; }
        if (op == 7) {
            uint32_t r1 = u32(); uint16_t c1 = u16(); uint32_t r2 = u32(); uint16_t c2 = u16(); uint16_t fi = u16();
            worksheet_merge_range(ws, r1, c1, r2, c2, str(), fi == 0xFFFF ? NULL : formats[fi]);
            cells++;
            continue;
        }
        uint32_t row = u32(); uint16_t col = u16(), fi = u16();
        lxw_format *fmt = fi == 0xFFFF ? NULL : formats[fi];
        switch (op) {
        case 3: worksheet_write_string(ws, row, col, str(), fmt); break;
        case 4: worksheet_write_number(ws, row, col, f64(), fmt); break;
        case 5: {
            double cached = f64();
            const char *formula = str();
            if (isnan(cached)) worksheet_write_formula_str(ws, row, col, formula, fmt, "");
            else worksheet_write_formula_num(ws, row, col, formula, fmt, cached);
            break;
        }
        case 6: worksheet_write_blank(ws, row, col, fmt); break;
        default: fprintf(stderr, "reference: unknown record %d\n", op); return 2;
        }
        cells++;
    }
    struct timespec tc;
    clock_gettime(CLOCK_MONOTONIC, &tc);
    lxw_error err = workbook_close(wb);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (err) { fprintf(stderr, "reference: %s\n", lxw_strerror(err)); return 1; }
    printf("cells=%ld write_seconds=%.3f close_seconds=%.3f\n", cells, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
           (t1.tv_sec - tc.tv_sec) + (t1.tv_nsec - tc.tv_nsec) / 1e9);
    free(data); free(buf); free(formats); free(sheets);
    return 0;
}
