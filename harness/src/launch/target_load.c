/* SPDX-License-Identifier: MIT */
/*
 * Target files: the schema walk over the YAML document layer
 * (util/yaml_doc.h). Format and rules are documented in docs/targets.md;
 * keep the two in step.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch/target_impl.h"

/* Timeouts above a week are a typo, and the bound keeps ms in a long. */
#define TARGET_MAX_SECONDS (7.0 * 24 * 3600)

static const char *const known_arches[] = { "aarch64", "x86_64", "riscv64", NULL };

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A positive number of seconds (integer or decimal) converted to ms. */
static int get_seconds(struct pf_ydoc *d, yaml_node_t *n, const char *field, long *ms)
{
	if (n->type != YAML_SCALAR_NODE || pf_y_is_null(n))
		return pf_y_fail(d, n, field, "expected a number of seconds, found %s",
				 n->type == YAML_SCALAR_NODE ? "null" : pf_y_kind(n));
	const char *s = scalar(n);
	/* strtod alone would also take hex, "inf" and "nan". */
	bool ok = *s != '\0' && strspn(s, "0123456789.+-eE") == strlen(s);
	char *end = NULL;
	errno = 0;
	double v = ok ? strtod(s, &end) : 0;
	if (!ok || errno || !end || *end || !isfinite(v))
		return pf_y_fail(d, n, field, "expected a number of seconds, found '%s'", s);
	if (v <= 0)
		return pf_y_fail(d, n, field, "must be a positive number of seconds, not %s", s);
	if (v > TARGET_MAX_SECONDS)
		return pf_y_fail(d, n, field, "%s s is more than a week", s);
	long r = (long)(v * 1000.0 + 0.5);
	*ms = r > 0 ? r : 1; /* 0.0001 s still means "a positive time" */
	return 0;
}

static int get_count(struct pf_ydoc *d, yaml_node_t *n, const char *field, int max, int *out)
{
	if (n->type != YAML_SCALAR_NODE || pf_y_is_null(n))
		return pf_y_fail(d, n, field, "expected a whole number, found %s",
				 n->type == YAML_SCALAR_NODE ? "null" : pf_y_kind(n));
	const char *s = scalar(n);
	const char *digits = s[0] == '-' ? s + 1 : s;
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	/* strtol would also accept "+3", " 3" or "0x3". */
	if (!*digits || strspn(digits, "0123456789") != strlen(digits) || errno || *end)
		return pf_y_fail(d, n, field, "expected a whole number, found '%s'", s);
	if (v < 0 || v > max)
		return pf_y_fail(d, n, field, "must be between 0 and %d, not %ld", max, v);
	*out = (int)v;
	return 0;
}

/*
 * Line and column of byte OFF inside scalar N. Exact when the scalar sits on
 * one line without escapes (its source span is then the value, plus the
 * quotes if quoted); otherwise the scalar's own start is the honest answer.
 */
static yaml_mark_t mark_in_scalar(const yaml_node_t *n, size_t off)
{
	yaml_mark_t m = n->start_mark;
	size_t span = n->end_mark.index - n->start_mark.index;
	size_t len = n->data.scalar.length;
	yaml_scalar_style_t st = n->data.scalar.style;
	bool quoted =
		st == YAML_SINGLE_QUOTED_SCALAR_STYLE || st == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	bool one_line = n->start_mark.line == n->end_mark.line;
	if (one_line &&
	    ((st == YAML_PLAIN_SCALAR_STYLE && span == len) || (quoted && span == len + 2)))
		m.column += off + (quoted ? 1 : 0);
	return m;
}

/* Validate placeholders of scalar N (already copied to S). */
static int check_placeholders(struct pf_ydoc *d, const yaml_node_t *n, const char *s,
			      const char *field, const struct pf_target *t, bool allow_vars)
{
	size_t off = 0;
	char why[300];
	if (pf_target_check_template(t, s, allow_vars, &off, why, sizeof(why)) == 0)
		return 0;
	return pf_y_fail_mark(d, mark_in_scalar(n, off), field, "%s", why);
}

/* ---- section loaders ------------------------------------------------------ */

static int load_hypervisor(struct pf_ydoc *d, yaml_node_t *n, struct pf_target *t)
{
	static const char *const keys[] = { "name", "binary", "version_args", "packages", NULL };
	static const char *const req[] = { "name", "binary", NULL };
	yaml_node_t *v[4] = { 0 };
	if (pf_y_map(d, n, "hypervisor", keys, req, v) < 0)
		return -1;
	struct pf_hypervisor *h = &t->hypervisor;
	if (pf_y_string(d, v[0], "hypervisor.name", false, &h->name) < 0 ||
	    pf_y_string(d, v[1], "hypervisor.binary", false, &h->binary) < 0)
		return -1;
	if (v[2] && pf_y_strings(d, v[2], "hypervisor.version_args", &h->version_args, NULL) < 0)
		return -1;
	if (v[3] && pf_y_strings(d, v[3], "hypervisor.packages", &h->packages, NULL) < 0)
		return -1;
	return 0;
}

static int load_timeouts(struct pf_ydoc *d, yaml_node_t *n, struct pf_target *t)
{
	static const char *const keys[] = { "overall_s", "inactivity_s", "boot_s", NULL };
	yaml_node_t *v[3] = { 0 };
	if (pf_y_map(d, n, "timeouts", keys, NULL, v) < 0)
		return -1;
	if (v[0] && get_seconds(d, v[0], "timeouts.overall_s", &t->overall_ms) < 0)
		return -1;
	if (v[1] && get_seconds(d, v[1], "timeouts.inactivity_s", &t->inactivity_ms) < 0)
		return -1;
	if (v[2] && get_seconds(d, v[2], "timeouts.boot_s", &t->boot_ms) < 0)
		return -1;
	return 0;
}

/* A mapping of name -> whole number (expect.transports, expect.types). */
static int get_count_map(struct pf_ydoc *d, yaml_node_t *n, const char *field,
			 struct pf_target_count **out, size_t *count)
{
	if (n->type != YAML_MAPPING_NODE)
		return pf_y_fail(d, n, field, "expected a mapping of name: count, found %s",
				 pf_y_kind(n));
	size_t cnt = pf_y_npairs(n);
	struct pf_target_count *v = calloc(cnt + 1, sizeof(*v));
	if (!v)
		return pf_y_fail(d, n, field, "out of memory");
	*out = v;
	*count = 0;
	for (size_t i = 0; i < cnt; i++) {
		yaml_node_t *k, *val;
		char f[PF_ERROR_FIELD_MAX];
		pf_y_pair(d, n, i, &k, &val);
		/* keys are unique strings: the document layer checked */
		if (!pf_target_is_device_name(scalar(k)))
			return pf_y_fail(d, k, field,
					 "keys must be names (mmio, pci, net, blk, ...)");
		pf_y_field(f, sizeof(f), field, scalar(k));
		v[*count].name = strdup(scalar(k));
		if (!v[*count].name)
			return pf_y_fail(d, k, f, "out of memory");
		(*count)++;
		if (get_count(d, val, f, 4096, &v[*count - 1].min) < 0)
			return -1;
	}
	return 0;
}

/*
 * expect: what a complete run of this target finds (docs/targets.md).
 * devices is a count (at least this many devices) or, as in earlier
 * versions, a sequence of types each found at least once; min_devices is
 * the older spelling of the count.
 */
static int load_expect(struct pf_ydoc *d, yaml_node_t *n, struct pf_target *t)
{
	static const char *const keys[] = { "min_devices", "devices", "transports", "types", NULL };
	yaml_node_t *v[4] = { 0 };
	if (pf_y_map(d, n, "expect", keys, NULL, v) < 0)
		return -1;
	if (v[0] && get_count(d, v[0], "expect.min_devices", 4096, &t->expect_min_devices) < 0)
		return -1;
	t->expect_min_given = v[0] != NULL;
	if (v[1] && v[1]->type == YAML_SCALAR_NODE) {
		if (v[0])
			return pf_y_fail(d, pf_y_key(d, n, "devices"), "expect.devices",
					 "give the device count once: devices or min_devices");
		if (get_count(d, v[1], "expect.devices", 4096, &t->expect_min_devices) < 0)
			return -1;
		t->expect_min_given = true;
	} else if (v[1]) {
		if (pf_y_strings(d, v[1], "expect.devices", &t->expect_devices, NULL) < 0)
			return -1;
		for (size_t i = 0; t->expect_devices[i]; i++) {
			yaml_node_t *e = pf_y_item(d, v[1], i);
			if (!pf_target_is_device_name(t->expect_devices[i])) {
				char f[PF_ERROR_FIELD_MAX];
				snprintf(f, sizeof(f), "expect.devices[%zu]", i);
				return pf_y_fail(d, e, f,
						 "'%s' is not a device type name (net, blk, ...)",
						 t->expect_devices[i]);
			}
		}
	}
	if (v[2] && get_count_map(d, v[2], "expect.transports", &t->expect_transports,
				  &t->n_expect_transports) < 0)
		return -1;
	if (v[3] &&
	    get_count_map(d, v[3], "expect.types", &t->expect_types, &t->n_expect_types) < 0)
		return -1;
	return 0;
}

static int load_variables(struct pf_ydoc *d, yaml_node_t *n, struct pf_target *t)
{
	if (pf_y_expect(d, n, YAML_MAPPING_NODE, "variables"))
		return -1;
	size_t cnt = pf_y_npairs(n);
	t->vars = calloc(cnt ? cnt : 1, sizeof(*t->vars));
	if (!t->vars)
		return pf_y_fail(d, n, "variables", "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		yaml_node_t *k, *v;
		char field[PF_ERROR_FIELD_MAX];
		pf_y_pair(d, n, i, &k, &v);
		/* keys are unique strings: the document layer checked */
		const char *name = scalar(k);
		pf_y_field(field, sizeof(field), "variables", name);
		if (!pf_target_is_identifier(name, strlen(name)))
			return pf_y_fail(d, k, field,
					 "variable names are identifiers ([A-Za-z_][A-Za-z0-9_]*)");
		if (pf_target_in_list(name, pf_target_builtin_names))
			return pf_y_fail(d, k, field,
					 "'%s' is a built-in placeholder and cannot be redefined",
					 name);
		char *value = NULL;
		if (pf_y_string(d, v, field, true, &value) < 0)
			return -1;
		/* Count the slot before checking, so pf_target_free frees both. */
		t->vars[t->n_vars].value = value;
		t->vars[t->n_vars].name = strdup(name);
		if (!t->vars[t->n_vars++].name)
			return pf_y_fail(d, k, field, "out of memory");
	}
	/* Values are checked once all names are known, so the message for a
	 * variable using another variable can say exactly that. */
	for (size_t i = 0; i < cnt; i++) {
		yaml_node_t *k, *v;
		char field[PF_ERROR_FIELD_MAX];
		pf_y_pair(d, n, i, &k, &v);
		pf_y_field(field, sizeof(field), "variables", t->vars[i].name);
		if (check_placeholders(d, v, t->vars[i].value, field, t, false) < 0)
			return -1;
	}
	return 0;
}

static int load_argv(struct pf_ydoc *d, yaml_node_t *n, struct pf_target *t)
{
	if (pf_y_strings(d, n, "argv", &t->argv, &t->argc) < 0)
		return -1;
	if (t->argc == 0)
		return pf_y_fail(d, n, "argv",
				 "must not be empty (the first element is "
				 "the program, usually \"${binary}\")");
	if (!t->argv[0][0]) {
		return pf_y_fail(d, pf_y_item(d, n, 0), "argv[0]", "the program must not be empty");
	}
	for (size_t i = 0; i < t->argc; i++) {
		char f[PF_ERROR_FIELD_MAX];
		snprintf(f, sizeof(f), "argv[%zu]", i);
		if (check_placeholders(d, pf_y_item(d, n, i), t->argv[i], f, t, true) < 0)
			return -1;
	}
	return 0;
}

/* ---- services (docs/targets.md, "Services") ------------------------------ */

static int load_ready(struct pf_ydoc *d, yaml_node_t *n, const char *prefix, struct pf_target *t,
		      struct pf_target_service *s)
{
	static const char *const keys[] = { "socket", "path", "exited", "timeout_s", NULL };
	yaml_node_t *v[4] = { 0 };
	char f[PF_ERROR_FIELD_MAX];
	if (pf_y_map(d, n, prefix, keys, NULL, v) < 0)
		return -1;
	if (!!v[0] + !!v[1] + !!v[2] != 1)
		return pf_y_fail(d, n, prefix,
				 "give exactly one of 'socket', 'path' "
				 "or 'exited'");
	if (v[0] || v[1]) {
		char **dst = v[0] ? &s->ready_socket : &s->ready_path;
		pf_y_field(f, sizeof(f), prefix, v[0] ? "socket" : "path");
		if (pf_y_string(d, v[0] ? v[0] : v[1], f, false, dst) < 0 ||
		    check_placeholders(d, v[0] ? v[0] : v[1], *dst, f, t, true) < 0)
			return -1;
	}
	if (v[2]) {
		char *b = NULL;
		pf_y_field(f, sizeof(f), prefix, "exited");
		if (pf_y_string(d, v[2], f, false, &b) < 0)
			return -1;
		bool yes = strcmp(b, "true") == 0;
		free(b);
		if (!yes)
			return pf_y_fail(d, v[2], f,
					 "must be true (a one-shot step, ready "
					 "once it exited with status 0)");
		s->ready_exited = true;
	}
	pf_y_field(f, sizeof(f), prefix, "timeout_s");
	if (v[3] && get_seconds(d, v[3], f, &s->ready_ms) < 0)
		return -1;
	return 0;
}

static int load_service(struct pf_ydoc *d, yaml_node_t *n, size_t idx, struct pf_target *t,
			struct pf_target_service *s)
{
	static const char *const keys[] = { "name", "argv", "ready", "stop_s", "packages", NULL };
	static const char *const req[] = { "name", "argv", NULL };
	yaml_node_t *v[5] = { 0 };
	char prefix[PF_ERROR_FIELD_MAX], f[PF_ERROR_FIELD_MAX];
	snprintf(prefix, sizeof(prefix), "services[%zu]", idx);
	if (pf_y_map(d, n, prefix, keys, req, v) < 0)
		return -1;
	pf_y_field(f, sizeof(f), prefix, "name");
	if (pf_y_string(d, v[0], f, false, &s->name) < 0)
		return -1;
	if (!pf_target_is_identifier(s->name, strlen(s->name)) || strlen(s->name) > 32)
		return pf_y_fail(d, v[0], f,
				 "'%s' is not a service name (an identifier "
				 "of at most 32 characters)",
				 s->name);
	for (size_t i = 0; i < idx; i++)
		if (strcmp(t->services[i].name, s->name) == 0)
			return pf_y_fail(d, v[0], f, "duplicate service name '%s'", s->name);
	pf_y_field(f, sizeof(f), prefix, "argv");
	if (pf_y_strings(d, v[1], f, &s->argv, &s->argc) < 0)
		return -1;
	if (s->argc == 0 || !s->argv[0][0])
		return pf_y_fail(d, v[1], f, "must start with a program to run");
	for (size_t i = 0; i < s->argc; i++) {
		/* prefix is "services[N]": short, so this never truncates */
		snprintf(f, sizeof(f), "services[%zu].argv[%zu]", idx, i);
		if (check_placeholders(d, pf_y_item(d, v[1], i), s->argv[i], f, t, true) < 0)
			return -1;
	}
	if (v[2]) {
		pf_y_field(f, sizeof(f), prefix, "ready");
		if (load_ready(d, v[2], f, t, s) < 0)
			return -1;
	}
	pf_y_field(f, sizeof(f), prefix, "stop_s");
	if (v[3] && get_seconds(d, v[3], f, &s->stop_ms) < 0)
		return -1;
	pf_y_field(f, sizeof(f), prefix, "packages");
	if (v[4] && pf_y_strings(d, v[4], f, &s->packages, NULL) < 0)
		return -1;
	return 0;
}

static int load_services(struct pf_ydoc *d, yaml_node_t *n, struct pf_target *t)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return pf_y_fail(d, n, "services",
				 "expected a sequence of services, "
				 "found %s",
				 pf_y_kind(n));
	size_t cnt = pf_y_len(n);
	t->services = calloc(cnt ? cnt : 1, sizeof(*t->services));
	if (!t->services)
		return pf_y_fail(d, n, "services", "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		struct pf_target_service *s = &t->services[i];
		s->ready_ms = (long)(PF_SERVICE_DEFAULT_READY_S * 1000);
		s->stop_ms = (long)(PF_SERVICE_DEFAULT_STOP_S * 1000);
		t->n_services = i + 1; /* counted first, so pf_target_free frees it */
		if (load_service(d, pf_y_item(d, n, i), i, t, s) < 0)
			return -1;
		if (!s->packages && !(s->packages = calloc(1, sizeof(char *))))
			return pf_y_fail(d, n, "services", "out of memory");
	}
	return 0;
}

/* The probe is looked up under the image directory: keep it there. */
static bool is_safe_relative(const char *p)
{
	if (p[0] == '/')
		return false;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

/* requires: host facilities the hypervisor needs (e.g. kvm). A host
 * without them lists the target as untested here and refuses to run it. */
static int load_requires(struct pf_ydoc *d, yaml_node_t *n, struct pf_target *t)
{
	pf_y_strings_free(t->requires);
	t->requires = NULL;
	if (pf_y_strings(d, n, "requires", &t->requires, NULL) < 0)
		return -1;
	for (size_t i = 0; t->requires[i]; i++)
		if (!pf_target_requirement_known(t->requires[i])) {
			char f[PF_ERROR_FIELD_MAX];

			snprintf(f, sizeof(f), "requires[%zu]", i);
			return pf_y_fail(d, pf_y_item(d, n, i), f,
					 "unknown host facility '%s' (known: kvm)", t->requires[i]);
		}
	return 0;
}

int pf_target_parse(struct pf_ydoc *d, struct pf_target *t)
{
	enum {
		K_NAME,
		K_DESC,
		K_ARCH,
		K_PROBE,
		K_HV,
		K_TIMEOUTS,
		K_ARGV,
		K_VARS,
		K_EXPECT,
		K_SERVICES,
		K_REQUIRES,
		K_N
	};
	static const char *const keys[] = { "name",	  "description", "arch",     "probe",
					    "hypervisor", "timeouts",	 "argv",     "variables",
					    "expect",	  "services",	 "requires", NULL };
	static const char *const req[] = { "name", "arch", "probe", "hypervisor", "argv", NULL };
	yaml_node_t *v[K_N] = { 0 };
	if (pf_y_map(d, pf_ydoc_root(d), "", keys, req, v) < 0)
		return -1;

	if (pf_y_string(d, v[K_NAME], "name", false, &t->name) < 0)
		return -1;
	if (!pf_target_is_name(t->name))
		return pf_y_fail(d, v[K_NAME], "name",
				 "'%s' is not a valid target name (letters, digits, "
				 "'.', '_', '-'; at most %d)",
				 t->name, TARGET_MAX_NAME);
	if (v[K_DESC] && pf_y_string(d, v[K_DESC], "description", true, &t->description) < 0)
		return -1;
	if (pf_y_string(d, v[K_ARCH], "arch", false, &t->arch) < 0)
		return -1;
	if (!pf_target_in_list(t->arch, known_arches))
		return pf_y_fail(d, v[K_ARCH], "arch",
				 "unknown architecture '%s' (expected aarch64, x86_64 "
				 "or riscv64)",
				 t->arch);
	if (pf_y_string(d, v[K_PROBE], "probe", false, &t->probe) < 0)
		return -1;
	if (!is_safe_relative(t->probe))
		return pf_y_fail(d, v[K_PROBE], "probe",
				 "must be a path relative to the image directory, "
				 "without '..'");
	/* Variables before argv: argv placeholders are checked against them. */
	if (load_hypervisor(d, v[K_HV], t) < 0 ||
	    (v[K_TIMEOUTS] && load_timeouts(d, v[K_TIMEOUTS], t) < 0) ||
	    (v[K_VARS] && load_variables(d, v[K_VARS], t) < 0) || load_argv(d, v[K_ARGV], t) < 0 ||
	    (v[K_EXPECT] && load_expect(d, v[K_EXPECT], t) < 0) ||
	    (v[K_SERVICES] && load_services(d, v[K_SERVICES], t) < 0) ||
	    (v[K_REQUIRES] && load_requires(d, v[K_REQUIRES], t) < 0))
		return -1;

	/* Lookup is by file name and listing shows `name`: they must agree or
     * `plugfest targets` would offer names that cannot be loaded. */
	const char *base = strrchr(d->file, '/');
	base = base ? base + 1 : d->file;
	size_t bl = strlen(base);
	if (bl >= 5 && !strcmp(base + bl - 5, ".yaml")) {
		bl -= 5;
		if (strlen(t->name) != bl || strncmp(base, t->name, bl) != 0)
			return pf_y_fail(d, v[K_NAME], "name",
					 "'%s' does not match the file name '%s' (name "
					 "must be the file name without .yaml)",
					 t->name, base);
	}
	return 0;
}
