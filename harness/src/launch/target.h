/* SPDX-License-Identifier: MIT */
/*
 * Target definitions: which hypervisor to launch for a run, and how.
 *
 * A target is a YAML file (format in docs/targets.md) naming the hypervisor
 * binary, the probe image and an argv template whose ${placeholders} are
 * expanded per element, never through a shell. Loading validates everything
 * and reports the first problem as FILE:LINE:COL with the offending field.
 *
 * Ownership: pf_target_load() returns a target owned by the caller, freed
 * with pf_target_free(). Every string inside belongs to the target and stays
 * valid until then. pf_target_argv() returns a fresh vector owned by the
 * caller, freed with pf_argv_free().
 */
#ifndef PF_TARGET_H
#define PF_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util/error.h"

/* ---- targets ------------------------------------------------------------ */

/* Defaults used when a target omits a timeout (seconds). */
#define PF_TARGET_DEFAULT_OVERALL_S 300.0
#define PF_TARGET_DEFAULT_INACTIVITY_S 30.0
#define PF_TARGET_DEFAULT_BOOT_S 20.0

struct pf_target_var {
	char *name;
	char *value; /* may itself use ${binary} ${probe} ${bootargs} ${outdir} */
};

/*
 * A companion process the runner starts before the hypervisor and stops
 * when the boot ends (docs/targets.md, "Services"; harness/src/launch/services.h).
 * Strings are templates with the same placeholders as argv.
 */
struct pf_target_service {
	char *name;  /* identifier, unique within the target */
	char **argv; /* NULL-terminated templates, argc >= 1 */
	size_t argc;
	char *ready_socket; /* ready once this is a unix socket; or NULL */
	char *ready_path;   /* ready once this path exists; or NULL */
	bool ready_exited;  /* a one-shot step: ready once it exited with 0 */
	long ready_ms;	    /* > 0: bound on the readiness wait */
	long stop_ms;	    /* > 0: SIGTERM to SIGKILL */
	char **packages;    /* NULL-terminated, possibly empty: install hint */
};

#define PF_SERVICE_DEFAULT_READY_S 10.0
#define PF_SERVICE_DEFAULT_STOP_S 2.0

struct pf_hypervisor {
	char *name;	     /* e.g. "qemu": keys known-failure lists */
	char *binary;	     /* looked up in PATH unless it contains '/' */
	char **version_args; /* NULL-terminated; default { "--version" } */
	char **packages;     /* NULL-terminated, possibly empty: install hint */
};

/* expect.transports / expect.types: at least min devices named name. */
struct pf_target_count {
	char *name;
	int min;
};

/* Read-only view: fill it only through pf_target_load(). */
struct pf_target {
	char *path;	   /* the file it was loaded from */
	char *name;	   /* equals the file name without ".yaml" */
	char *description; /* "" when absent */
	char *arch;
	char *probe; /* probe image, relative to the image directory */
	struct pf_hypervisor hypervisor;
	long overall_ms;    /* > 0 */
	long inactivity_ms; /* > 0: serial silence after the first record */
	long boot_ms;	    /* > 0: allowed until the first record */
	char **argv;	    /* NULL-terminated templates, argc >= 1 */
	size_t argc;
	struct pf_target_var *vars;
	size_t n_vars;
	/* expect: what a complete run finds (docs/targets.md) */
	int expect_min_devices; /* expect.devices as a count; 0 when absent */
	bool expect_min_given;	/* false: a run must find at least one device */
	char **expect_devices;	/* NULL-terminated device type names, maybe empty */
	struct pf_target_count *expect_transports; /* NULL when absent */
	size_t n_expect_transports;
	struct pf_target_count *expect_types; /* NULL when absent */
	size_t n_expect_types;
	struct pf_target_service *services; /* started in this order */
	size_t n_services;
	char *sockdir;	 /* value of ${sockdir}; NULL until the runner sets it */
	char **requires; /* NULL-terminated host facilities ("kvm"), maybe empty */
};

/*
 * Load a target. NAME_OR_PATH containing '/' or ending in ".yaml" is a
 * file path; anything else is a target name looked up as NAME.yaml in
 * SEARCH_DIRS (NULL-terminated, first match wins). An unknown name yields an
 * error listing the available names. Returns NULL and fills err on failure.
 */
struct pf_target *pf_target_load(const char *name_or_path, const char *const *search_dirs,
				 struct pf_error *err);

void pf_target_free(struct pf_target *t);

/* Whether this host lacks something the target requires (`requires:`):
 * true with the reason in why ("needs /dev/kvm, which this host lacks"),
 * false when it can run here. */
bool pf_target_unmet(const struct pf_target *t, char *why, size_t len);

/* Value of user variable NAME, or NULL. */
const char *pf_target_variable(const struct pf_target *t, const char *name);

/*
 * Set or override user variable NAME (e.g. from a --set NAME=VALUE option).
 * NAME must be an identifier that is not a built-in placeholder; VALUE may
 * use built-in placeholders only. Returns 0, or -1 with err filled.
 */
int pf_target_set_variable(struct pf_target *t, const char *name, const char *value,
			   struct pf_error *err);

/*
 * Expand the argv template. NULL for probe_path, bootargs or outdir means
 * "not available": using that placeholder is then an error. Returns a
 * NULL-terminated vector (count in *argc if argc is not NULL), each element
 * exactly one argument however many spaces it holds; NULL with err filled on
 * failure. Free with pf_argv_free().
 */
char **pf_target_argv(const struct pf_target *t, const char *probe_path, const char *bootargs,
		      const char *outdir, size_t *argc, struct pf_error *err);

void pf_argv_free(char **argv);

/*
 * Expand one template (an element of argv or of a service) like
 * pf_target_argv does; FIELD names it in errors. Returns a malloc'd string
 * or NULL with err filled.
 */
char *pf_target_expand(const struct pf_target *t, const char *templ, const char *probe_path,
		       const char *bootargs, const char *outdir, const char *field,
		       struct pf_error *err);

/* Value of ${sockdir}: a short directory for unix sockets (sun_path holds
 * 107 bytes), set by the runner. Returns 0, or -1 with err filled. */
int pf_target_set_sockdir(struct pf_target *t, const char *dir, struct pf_error *err);

/*
 * Resolve the probe image path IMAGE_DIR/probe into buf and check it is a
 * readable regular file. Returns 0, or -1 with err filled.
 */
int pf_target_probe_path(const struct pf_target *t, const char *image_dir, char *buf, size_t len,
			 struct pf_error *err);

/*
 * Called once per available target, sorted by name; a name found in several
 * search dirs is reported once (the first dir wins, as in pf_target_load).
 * t is NULL when the file failed to load, and err then says why. Return
 * non-zero to stop the walk.
 */
typedef int (*pf_target_list_fn)(void *ctx, const char *name, const char *path,
				 const struct pf_target *t, const struct pf_error *err);

/* Returns the number of targets visited, or -1 on a fatal error (OOM). */
int pf_target_list(const char *const *search_dirs, pf_target_list_fn fn, void *ctx);

#endif /* PF_TARGET_H */
