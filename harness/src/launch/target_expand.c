/* SPDX-License-Identifier: MIT */
/*
 * Target ${placeholder} expansion (docs/targets.md): templates are checked
 * at load time and expanded per element, never through a shell; user
 * variables, the argv vector, ${sockdir} and the probe image path.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch/target_impl.h"
#include "util/strbuf.h"

/* ---- placeholders --------------------------------------------------------- */

/*
 * Expansion context. In validation mode (values == NULL) only names are
 * checked. Otherwise values[i] belongs to pf_target_builtin_names[i] and NULL there
 * means "not available". User variables are only visible from argv, not
 * from other variables, so expansion can never recurse.
 */
struct expander {
	const char *const *values;
	const struct pf_target_var *vars;
	size_t n_vars;
	bool allow_vars;
};

static const struct pf_target_var *find_var(const struct pf_target_var *vars, size_t n,
					    const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
			return &vars[i];
	return NULL;
}

/*
 * Expand S into OUT (out may be NULL: validate only). On error returns -1,
 * *bad_off is the byte offset in S of the offending '$' and WHY says what.
 */
static int expand(const struct expander *x, const char *s, struct pf_strbuf *out, size_t *bad_off,
		  char *why, size_t whylen)
{
	size_t i = 0, n = strlen(s);
	while (i < n) {
		const char *d = memchr(s + i, '$', n - i);
		size_t lit = d ? (size_t)(d - (s + i)) : n - i;
		if (out)
			pf_strbuf_add(out, s + i, lit);
		i += lit;
		if (i >= n)
			break;
		/* s[i] == '$' */
		if (s[i + 1] == '$') { /* "$$" is a literal dollar */
			if (out)
				pf_strbuf_add(out, "$", 1);
			i += 2;
			continue;
		}
		*bad_off = i;
		if (s[i + 1] != '{') {
			snprintf(why, whylen,
				 "stray '$' (write '$$' for a literal dollar, "
				 "'${name}' for a placeholder)");
			return -1;
		}
		const char *close = memchr(s + i + 2, '}', n - i - 2);
		if (!close) {
			snprintf(why, whylen, "unterminated placeholder '${' (missing '}')");
			return -1;
		}
		const char *name = s + i + 2;
		size_t len = (size_t)(close - name);
		if (!pf_target_is_identifier(name, len)) {
			snprintf(why, whylen, "invalid placeholder name '%.*s'",
				 (int)(len > 64 ? 64 : len), name);
			return -1;
		}
		int bi = -1;
		for (int k = 0; pf_target_builtin_names[k]; k++)
			if (strlen(pf_target_builtin_names[k]) == len &&
			    memcmp(pf_target_builtin_names[k], name, len) == 0)
				bi = k;
		if (bi >= 0) {
			if (x->values) {
				const char *v = x->values[bi];
				if (!v) {
					snprintf(why, whylen,
						 "placeholder '${%s}' has no value here",
						 pf_target_builtin_names[bi]);
					return -1;
				}
				if (out)
					pf_strbuf_puts(out, v);
			}
		} else {
			const struct pf_target_var *var =
				x->allow_vars ? find_var(x->vars, x->n_vars, name, len) : NULL;
			if (!var) {
				if (x->allow_vars)
					snprintf(why, whylen,
						 "unknown placeholder '${%.*s}' (known: binary, "
						 "probe, bootargs, outdir, sockdir and the keys "
						 "of 'variables')",
						 (int)len, name);
				else if (find_var(x->vars, x->n_vars, name, len))
					snprintf(why, whylen,
						 "a variable's value may not use another variable "
						 "('${%.*s}'), only binary, probe, bootargs, "
						 "outdir, "
						 "sockdir",
						 (int)len, name);
				else
					snprintf(
						why, whylen,
						"unknown placeholder '${%.*s}' (a variable's value "
						"may use binary, probe, bootargs, outdir, sockdir)",
						(int)len, name);
				return -1;
			}
			if (x->values) {
				/* A variable's value may use builtins only: expand it with
                 * variables switched off. Its own errors were caught at load
                 * or set time, so the offset is not meaningful here. */
				struct expander inner = *x;
				inner.allow_vars = false;
				size_t dummy;
				if (expand(&inner, var->value, out, &dummy, why, whylen) < 0)
					return -1;
			}
		}
		i = (size_t)(close - s) + 1;
	}
	return 0;
}

int pf_target_check_template(const struct pf_target *t, const char *s, bool allow_vars,
			     size_t *bad_off, char *why, size_t whylen)
{
	struct expander x = { NULL, t->vars, t->n_vars, allow_vars };

	*bad_off = 0;
	return expand(&x, s, NULL, bad_off, why, whylen);
}

/* ---- variables, expansion, probe path ------------------------------------ */

const char *pf_target_variable(const struct pf_target *t, const char *name)
{
	if (!t || !name)
		return NULL;
	const struct pf_target_var *v = find_var(t->vars, t->n_vars, name, strlen(name));
	return v ? v->value : NULL;
}

int pf_target_set_variable(struct pf_target *t, const char *name, const char *value,
			   struct pf_error *err)
{
	pf_error_clear(err);
	char field[PF_ERROR_FIELD_MAX];
	snprintf(field, sizeof(field), "variables.%s", name ? name : "");
	if (!t || !name || !value)
		return pf_error_fill(err, NULL, 0, 0, field, "missing argument");
	if (!pf_target_is_identifier(name, strlen(name)))
		return pf_error_fill(err, NULL, 0, 0, field,
				     "variable names are identifiers ([A-Za-z_][A-Za-z0-9_]*)");
	if (pf_target_in_list(name, pf_target_builtin_names))
		return pf_error_fill(err, NULL, 0, 0, field,
				     "'%s' is a built-in placeholder and cannot be set", name);
	size_t off;
	char why[300];
	if (pf_target_check_template(t, value, false, &off, why, sizeof(why)) < 0)
		return pf_error_fill(err, NULL, 0, 0, field, "%s (at offset %zu)", why, off);
	char *copy = strdup(value);
	if (!copy)
		return pf_error_fill(err, NULL, 0, 0, field, "out of memory");
	for (size_t i = 0; i < t->n_vars; i++)
		if (strcmp(t->vars[i].name, name) == 0) {
			free(t->vars[i].value);
			t->vars[i].value = copy;
			return 0;
		}
	struct pf_target_var *nv = realloc(t->vars, (t->n_vars + 1) * sizeof(*nv));
	char *ncopy = strdup(name);
	if (!nv || !ncopy) {
		if (nv)
			t->vars = nv;
		free(copy);
		free(ncopy);
		return pf_error_fill(err, NULL, 0, 0, field, "out of memory");
	}
	t->vars = nv;
	t->vars[t->n_vars].name = ncopy;
	t->vars[t->n_vars].value = copy;
	t->n_vars++;
	return 0;
}

char **pf_target_argv(const struct pf_target *t, const char *probe_path, const char *bootargs,
		      const char *outdir, size_t *argc, struct pf_error *err)
{
	pf_error_clear(err);
	if (argc)
		*argc = 0;
	if (!t || !t->argv || t->argc == 0) {
		pf_error_fill(err, NULL, 0, 0, "argv", "no target");
		return NULL;
	}
	const char *values[] = { t->hypervisor.binary, probe_path, bootargs, outdir, t->sockdir };
	struct expander x = { values, t->vars, t->n_vars, true };
	char **out = calloc(t->argc + 1, sizeof(*out));
	if (!out) {
		pf_error_fill(err, t->path, 0, 0, "argv", "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < t->argc; i++) {
		struct pf_strbuf b = { 0 };
		size_t off = 0;
		char why[300];
		char field[32];
		snprintf(field, sizeof(field), "argv[%zu]", i);
		if (expand(&x, t->argv[i], &b, &off, why, sizeof(why)) < 0) {
			pf_strbuf_free(&b);
			pf_error_fill(err, t->path, 0, 0, field, "%s", why);
			pf_y_strings_free(out);
			return NULL;
		}
		out[i] = pf_strbuf_take(&b);
		if (!out[i]) {
			pf_error_fill(err, t->path, 0, 0, field, "out of memory");
			pf_y_strings_free(out);
			return NULL;
		}
	}
	if (!out[0][0]) {
		pf_error_fill(err, t->path, 0, 0, "argv[0]", "expands to an empty program name");
		pf_y_strings_free(out);
		return NULL;
	}
	if (argc)
		*argc = t->argc;
	return out;
}

char *pf_target_expand(const struct pf_target *t, const char *templ, const char *probe_path,
		       const char *bootargs, const char *outdir, const char *field,
		       struct pf_error *err)
{
	pf_error_clear(err);
	if (!t || !templ) {
		pf_error_fill(err, NULL, 0, 0, field, "missing argument");
		return NULL;
	}
	const char *values[] = { t->hypervisor.binary, probe_path, bootargs, outdir, t->sockdir };
	struct expander x = { values, t->vars, t->n_vars, true };
	struct pf_strbuf b = { 0 };
	size_t off = 0;
	char why[300];
	if (expand(&x, templ, &b, &off, why, sizeof(why)) < 0) {
		pf_strbuf_free(&b);
		pf_error_fill(err, t->path, 0, 0, field, "%s", why);
		return NULL;
	}
	char *out = pf_strbuf_take(&b);
	if (!out)
		pf_error_fill(err, t->path, 0, 0, field, "out of memory");
	return out;
}

int pf_target_set_sockdir(struct pf_target *t, const char *dir, struct pf_error *err)
{
	pf_error_clear(err);
	if (!t || !dir)
		return pf_error_fill(err, NULL, 0, 0, "sockdir", "missing argument");
	char *copy = strdup(dir);
	if (!copy)
		return pf_error_fill(err, NULL, 0, 0, "sockdir", "out of memory");
	free(t->sockdir);
	t->sockdir = copy;
	return 0;
}

int pf_target_probe_path(const struct pf_target *t, const char *image_dir, char *buf, size_t len,
			 struct pf_error *err)
{
	pf_error_clear(err);
	if (!t || !image_dir || !buf || len == 0)
		return pf_error_fill(err, NULL, 0, 0, "probe", "missing argument");
	int n = snprintf(buf, len, "%s/%s", image_dir, t->probe);
	if (n < 0 || (size_t)n >= len)
		return pf_error_fill(err, t->path, 0, 0, "probe", "path too long");
	struct stat st;
	if (stat(buf, &st) != 0) {
		int e = errno;
		pf_error_fill(err, t->path, 0, 0, "probe", "probe image %s: %s", buf, strerror(e));
		if (err)
			err->sys_errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return pf_error_fill(err, t->path, 0, 0, "probe",
				     "probe image %s is not a regular file", buf);
	if (access(buf, R_OK) != 0) {
		int e = errno;
		pf_error_fill(err, t->path, 0, 0, "probe", "probe image %s: %s", buf, strerror(e));
		if (err)
			err->sys_errno = e;
		return -1;
	}
	return 0;
}
