/* prn_sample.c: prn-sample, every printer document rendered from the Peruvian demo
 * content into a folder, with how long each took — for people to look at the output.
 *
 * Usage: prn-sample [folder]   (default: prn-sample-out; created if missing)
 * Not installed; it writes only into the folder it is given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "prn_demo.h"
#include "printer.h"

static double
s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
s_report(const char *dir, const char *name, int rc, const char *err, double t0)
{
    if (rc) {
        fprintf(stderr, "prn-sample: %s: %s\n", name, err);
        return 1;
    }
    printf("%-28s %7.1f ms   %s/%s\n", name, (s_now() - t0) * 1000.0, dir, name);
    return 0;
}

static char *
s_path(char *buf, size_t n, const char *dir, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

/* The slip with names outside Windows-1252, which must print in the embedded font. */
static int
s_unicode(const char *dir, struct prn_demo *demo)
{
    char path[1024], err[256];
    struct prn_slip *s = prn_demo_slip(demo, 4, 2);
    s->dest.name = "Comunidad Ñuñoa — ayllu Āchaŋa (Ашаниика test)";
    s->remarks = "Nombres fuera de Windows-1252: Ŋ ŋ Ā ā Ł ł — deben verse tal cual.";
    double t0 = s_now();
    int rc = prn_shipment_write(s, PRN_LABELS_A6, s_path(path, sizeof path, dir, "unicode.pdf"),
                                err, sizeof err);
    return s_report(dir, "unicode.pdf", rc, err, t0);
}

/* The longest names the checks allow and a line of 300 serials: for looking at
 * wrapping, shrinking and page breaks, not at realism. */
static int
s_stress(const char *dir, struct prn_demo *demo)
{
    static const char name[] = "Comunidad Campesina de San Juan Bautista de los Andes del Alto "
                               "Huallaga, Anexo Pueblo Nuevo, Sector Las Palmeras, Margen "
                               "Derecha del Río Grande";
    static char serials[300][24];
    static const char *sv[300];
    char path[1024], err[256];
    struct prn_slip *s = prn_demo_slip(demo, 4, 2);
    struct prn_slip_line *l = (struct prn_slip_line *)s->lines;
    for (int i = 0; i < 300; i++) {
        snprintf(serials[i], sizeof serials[i], "SN-R9XK2%05d", i + 1);
        sv[i] = serials[i];
    }
    s->org_name = s->origin.name = s->dest.name = s->team = s->vehicle = s->driver = name;
    s->dest.district = s->dest.region = name;
    l[2].serials = sv, l[2].nserials = 300, l[2].qty = 300;
    l[0].item_name_es = l[0].item_name_en = l[0].donor = name;
    double t0 = s_now();
    int rc = prn_shipment_write(s, PRN_LABELS_A6, s_path(path, sizeof path, dir, "stress.pdf"),
                                err, sizeof err);
    return s_report(dir, "stress.pdf", rc, err, t0);
}

static int
s_shipments(const char *dir, struct prn_demo *demo)
{
    char path[1024], err[256];
    int bad = 0;
    struct prn_slip *s = prn_demo_slip(demo, 6, 8);
    double t0 = s_now();
    int rc = prn_slip_write(s, s_path(path, sizeof path, dir, "slip.pdf"), err, sizeof err);
    bad += s_report(dir, "slip.pdf", rc, err, t0);
    t0 = s_now();
    rc = prn_labels_write(s, PRN_LABELS_A6, s_path(path, sizeof path, dir, "labels-a6.pdf"), err,
                          sizeof err);
    bad += s_report(dir, "labels-a6.pdf", rc, err, t0);
    t0 = s_now();
    rc = prn_labels_write(s, PRN_LABELS_A4, s_path(path, sizeof path, dir, "labels-a4.pdf"), err,
                          sizeof err);
    bad += s_report(dir, "labels-a4.pdf", rc, err, t0);
    t0 = s_now();
    rc = prn_shipment_write(s, PRN_LABELS_A4, s_path(path, sizeof path, dir, "shipment.pdf"), err,
                            sizeof err);
    bad += s_report(dir, "shipment.pdf", rc, err, t0);
    s = prn_demo_slip(demo, 200, 40);
    t0 = s_now();
    rc = prn_slip_write(s, s_path(path, sizeof path, dir, "slip-200.pdf"), err, sizeof err);
    bad += s_report(dir, "slip-200.pdf", rc, err, t0);
    return bad + s_unicode(dir, demo) + s_stress(dir, demo);
}

static int
s_reports(const char *dir, struct prn_demo *demo)
{
    char path[1024], err[256];
    int bad = 0;
    struct prn_donor_report *r = prn_demo_donor_report(demo, 400);
    double t0 = s_now();
    int rc = prn_donor_report_write(r, s_path(path, sizeof path, dir, "donor-report.pdf"), err,
                                    sizeof err);
    bad += s_report(dir, "donor-report.pdf", rc, err, t0);
    r = prn_demo_donor_report(demo, 10000);
    t0 = s_now();
    rc = prn_donor_report_write(r, s_path(path, sizeof path, dir, "donor-report-10k.pdf"), err,
                                sizeof err);
    bad += s_report(dir, "donor-report-10k.pdf", rc, err, t0);
    struct prn_stock_report *st = prn_demo_stock_report(demo, 12);
    t0 = s_now();
    rc = prn_stock_report_write(st, s_path(path, sizeof path, dir, "stock-report.pdf"), err,
                                sizeof err);
    bad += s_report(dir, "stock-report.pdf", rc, err, t0);
    return bad;
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "prn-sample-out";
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: prn-sample [folder]\n");
        return 2;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "prn-sample: cannot create '%s': %s\n", dir, strerror(errno));
        return 1;
    }
    struct prn_demo *demo = prn_demo_new();
    int bad = s_shipments(dir, demo) + s_reports(dir, demo);
    prn_demo_destroy(&demo);
    return bad ? 1 : 0;
}
