/* SPDX-License-Identifier: MIT */
/*
 * `plugfest run`: launch the hypervisor from a target definition, read the
 * probe's serial stream incrementally, journal every record as it arrives,
 * turn a crash, hang or early exit into a finding, restart the guest after
 * the culprit check, and write results and reports.
 */
#define _GNU_SOURCE
#include "cli/run_internal.h"

/* ---- the run ----------------------------------------------------------- */

/* A fresh nonce per run (docs/protocol.md): 128 bits from the kernel. */
int run_make_nonce(char out[PF_PROTO_NONCE_HEX + 1])
{
	unsigned char b[PF_PROTO_NONCE_HEX / 2];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static void build_bootargs(char *buf, size_t len, const struct run_opts *o, const char *nonce,
			   int64_t from)
{
	int n = snprintf(buf, len, "pf.nonce=%s pf.seed=%llu pf.verbose=%d", nonce, o->seed,
			 o->verbose);

	if (from > 0)
		n += snprintf(buf + n, len - (size_t)n, " pf.from=%lld", (long long)from);
	if (o->filter && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " pf.filter=%s", o->filter);
	if (o->extra_bootargs && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " %s", o->extra_bootargs);
}

static json_t *argv_json(char **argv)
{
	json_t *a = json_array();

	for (; argv && *argv; argv++)
		json_array_append_new(a, json_string(*argv));
	return a;
}

/* The target's expect section as results.json records it (run.expect):
 * the sequence form of expect.devices becomes types of at least one. */
json_t *run_expect_json(const struct pf_target *t)
{
	json_t *e = json_object(), *tr = json_object(), *ty = json_object();

	if (!e || !tr || !ty) {
		json_decref(e);
		json_decref(tr);
		json_decref(ty);
		return NULL;
	}
	if (t->expect_min_given)
		json_object_set_new(e, "devices", json_integer(t->expect_min_devices));
	for (size_t i = 0; i < t->n_expect_transports; i++)
		json_object_set_new(tr, t->expect_transports[i].name,
				    json_integer(t->expect_transports[i].min));
	for (size_t i = 0; t->expect_devices && t->expect_devices[i]; i++)
		json_object_set_new(ty, t->expect_devices[i], json_integer(1));
	for (size_t i = 0; i < t->n_expect_types; i++) {
		json_int_t had = json_integer_value(json_object_get(ty, t->expect_types[i].name));

		json_object_set_new(
			ty, t->expect_types[i].name,
			json_integer(had > t->expect_types[i].min ? had : t->expect_types[i].min));
	}
	json_object_set_new(e, "transports", tr);
	json_object_set_new(e, "types", ty);
	return e;
}

static json_t *build_run_json(const struct pf_target *t, const char *hv_version,
			      const char *probe_path, char **argv, const char *started,
			      double duration, const struct boot_outcome *last, unsigned boots)
{
	char finished_at[32], ver[64] = "";
	char sha[65] = "";
	json_t *run;
	const char *how;

	run_iso_now(finished_at, sizeof(finished_at));
	pf_version_number(hv_version, ver, sizeof(ver));
	pf_sha256_file_hex(probe_path, sha);
	switch (last->sup.exit.how) {
	case PF_VMM_EXITED:
		how = "exited";
		break;
	case PF_VMM_SIGNALLED:
		how = "signalled";
		break;
	case PF_VMM_KILLED:
		how = last->sup.outcome == PF_SUP_STOPPED ? "killed" : "timeout";
		break;
	default:
		how = "not-started";
		break;
	}
	run = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:f, s:o, s:{s:s, s:i, s:i, s:s}, "
			"s:{s:s, s:s}, s:i,"
			" s:o*}",
			"target", t->name, "target_file", t->path, "hypervisor", "name",
			t->hypervisor.name, "version", ver[0] ? ver : hv_version, "version_line",
			hv_version, "started", started, "finished", finished_at, "duration_s",
			duration, "argv", argv_json(argv), "exit", "how", how, "code",
			last->sup.exit.code, "signal", last->sup.exit.signal, "outcome",
			last->spawned ? pf_supervise_outcome_name(last->sup.outcome)
				      : "not-started",
			"probe", "image_path", probe_path, "image_sha256", sha, "launches",
			(int)boots, "expect", run_expect_json(t));
	return run;
}

/* The run's journal, results, progress and stream, bound to ctx->nonce
 * (set first). Returns 0, or -1 with errno set; run_ctx_close() undoes a
 * partial set-up too. */
int run_ctx_open(struct run_ctx *ctx, const struct run_opts *o)
{
	struct pf_stream_callbacks cb = { run_on_record, run_on_diag, NULL };

	ctx->journal = pf_journal_open_run(o->outdir, 0, ctx->nonce);
	if (!ctx->journal)
		return -1;
	pf_journal_set_caps(ctx->journal, o->max_log_bytes, o->max_log_bytes);
	ctx->results = pf_results_new();
	ctx->progress = pf_progress_new(stdout, o->verbose);
	ctx->stream = pf_stream_new(&cb, ctx);
	if (!ctx->results || !ctx->progress || !ctx->stream)
		return -1;
	pf_stream_set_nonce(ctx->stream, ctx->nonce);
	return 0;
}

void run_ctx_close(struct run_ctx *ctx)
{
	pf_stream_free(ctx->stream);
	pf_results_free(ctx->results);
	pf_journal_close(ctx->journal);
	pf_progress_free(ctx->progress);
	ctx->stream = NULL;
	ctx->results = NULL;
	ctx->journal = NULL;
	ctx->progress = NULL;
}

/* results.json, the reports and the exit code of a run whose run object is
 * already set; no_verdict: the run reached no verdict of its own (nothing
 * booted, a companion failed), so the exit code says so whatever the
 * results. */
int run_conclude(struct run_ctx *ctx, const struct run_opts *o, const struct pf_spec *spec,
		 const char *cmd, bool no_verdict)
{
	char why[512];
	json_t *doc;
	int rc;

	doc = pf_results_to_json(ctx->results, spec);
	if (!doc) {
		fprintf(stderr, "%s: out of memory building results\n", cmd);
		return PF_EXIT_INFRA;
	}
	rc = pf_reports_write_all(doc, &o->score, o->outdir, o->formats, stderr);
	pf_progress_summary(ctx->progress, doc);
	{
		struct pf_results_state st;

		pf_results_state(ctx->results, &st);
		if (!st.boots || run_interrupted || no_verdict) {
			rc = PF_EXIT_INFRA; /* no verdict reached */
		} else if (rc == 0 && o->gate) {
			rc = pf_gate_exit_code(doc, o->gate);
			if (rc < 0) {
				fprintf(stderr, "%s: --gate: profile %s was not scored\n", cmd,
					o->gate);
				rc = PF_EXIT_INFRA;
			}
		} else if (rc == 0) {
			rc = pf_results_exit_code(doc);
		}
	}
	if (pf_journal_errors(ctx->journal)) {
		/* results.json would claim what journal.jsonl and console.log
		 * cannot show: no verdict on evidence that was not kept. */
		fprintf(stderr,
			"%s: %lu write(s) to %s or %s in '%s' failed (disk full?): "
			"the run's record is incomplete\n",
			cmd, pf_journal_errors(ctx->journal), PF_JOURNAL_FILE, PF_JOURNAL_CONSOLE,
			o->outdir);
		rc = PF_EXIT_INFRA;
	}
	if (run_stream_rejected(ctx, why, sizeof(why))) {
		fprintf(stderr, "%s: %s\n", cmd, why);
		rc = PF_EXIT_INFRA;
	}
	json_decref(doc);
	return rc;
}

int pf_cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct pf_error err;
	struct pf_target *t;
	struct run_ctx ctx = { 0 };
	const char *dirs[3];
	char targets_dir[4096], probe_path[4096], outdir_buf[4096], path[4096];
	char hv_version[256] = "unknown", bootargs[1024], started[32], ebuf[2048];
	struct boot_outcome bo = { 0 };
	struct pf_spec *spec = NULL;
	struct pf_waivers *known = NULL;
	struct pf_services *svcs = NULL;
	bool svc_infra = false;
	char **vargv = NULL;
	int64_t from = 0;
	unsigned boots = 0;
	int rc = PF_EXIT_INFRA;
	double t0;

	if (run_matrix_requested(argc, argv))
		return run_matrix(argc, argv);
	if (run_parse_opts(argc, argv, &o))
		return PF_EXIT_USAGE;

	pf_path_join(targets_dir, sizeof(targets_dir), pf_data_dir(), "targets");
	dirs[0] = targets_dir;
	dirs[1] = NULL;
	pf_error_clear(&err);
	t = pf_target_load(o.target, dirs, &err);
	if (!t) {
		fprintf(stderr, "plugfest run: %s\n", pf_error_format(&err, ebuf, sizeof(ebuf)));
		return PF_EXIT_USAGE;
	}
	for (int i = 0; i < o.nsets; i++) {
		char name[128];
		const char *eq = strchr(o.sets[i], '=');

		if (!eq || eq == o.sets[i] || (size_t)(eq - o.sets[i]) >= sizeof(name)) {
			fprintf(stderr, "plugfest run: --set wants NAME=VALUE, got '%s'\n",
				o.sets[i]);
			pf_target_free(t);
			return PF_EXIT_USAGE;
		}
		memcpy(name, o.sets[i], (size_t)(eq - o.sets[i]));
		name[eq - o.sets[i]] = 0;
		if (pf_target_set_variable(t, name, eq + 1, &err)) {
			fprintf(stderr, "plugfest run: --set: %s\n",
				pf_error_format(&err, ebuf, sizeof(ebuf)));
			pf_target_free(t);
			return PF_EXIT_USAGE;
		}
	}

	if (o.probe) {
		snprintf(probe_path, sizeof(probe_path), "%s", o.probe);
		if (access(probe_path, R_OK)) {
			fprintf(stderr, "plugfest run: probe image '%s': %s\n", probe_path,
				strerror(errno));
			pf_target_free(t);
			return PF_EXIT_INFRA;
		}
	} else if (pf_target_probe_path(t, pf_image_dir(), probe_path, sizeof(probe_path), &err)) {
		fprintf(stderr, "plugfest run: %s\n", pf_error_format(&err, ebuf, sizeof(ebuf)));
		pf_target_free(t);
		return PF_EXIT_INFRA;
	}

	if (o.dry_run) {
		char **a;

		if (run_make_nonce(ctx.nonce)) {
			fprintf(stderr, "plugfest run: getrandom: %s\n", strerror(errno));
			pf_target_free(t);
			return PF_EXIT_INFRA;
		}
		build_bootargs(bootargs, sizeof(bootargs), &o, ctx.nonce, 0);
		if (pf_target_set_sockdir(t, "/tmp/pf-XXXXXX", &err)) {
			pf_target_free(t);
			return PF_EXIT_INFRA;
		}
		a = pf_target_argv(t, probe_path, bootargs, o.outdir ? o.outdir : ".", NULL, &err);
		if (!a) {
			fprintf(stderr, "plugfest run: %s\n",
				pf_error_format(&err, ebuf, sizeof(ebuf)));
			pf_target_free(t);
			return PF_EXIT_USAGE;
		}
		for (char **p = a; *p; p++)
			printf("%s\n", *p);
		pf_argv_free(a);
		pf_target_free(t);
		return 0;
	}
	{
		char why[256];

		if (pf_target_unmet(t, why, sizeof(why))) {
			fprintf(stderr,
				"plugfest run: target %s %s: it cannot run here (--dry-run "
				"prints its command line)\n",
				t->name, why);
			pf_target_free(t);
			return PF_EXIT_INFRA;
		}
	}
	if (!o.outdir) {
		run_default_outdir(outdir_buf, sizeof(outdir_buf), t->name);
		o.outdir = outdir_buf;
	}
	if (pf_mkdir_p(o.outdir, 0777, &err)) {
		fprintf(stderr, "plugfest run: cannot create output directory '%s': %s\n", o.outdir,
			strerror(err.sys_errno));
		pf_target_free(t);
		return PF_EXIT_INFRA;
	}

	if (pf_hypervisor_version(t->hypervisor.binary,
				  (const char *const *)t->hypervisor.version_args, 10000,
				  hv_version, sizeof(hv_version), &err)) {
		fprintf(stderr, "plugfest run: hypervisor '%s': %s\n", t->hypervisor.binary,
			pf_error_format(&err, ebuf, sizeof(ebuf)));
		if (t->hypervisor.packages && t->hypervisor.packages[0])
			fprintf(stderr, "plugfest run: hint: install the Debian package %s\n",
				t->hypervisor.packages[0]);
		pf_target_free(t);
		return PF_EXIT_INFRA;
	}

	pf_path_join(path, sizeof(path), pf_data_dir(), "spec/virtio-1.4-normative.yaml");
	spec = pf_spec_load(path, &err);
	if (!spec)
		fprintf(stderr,
			"plugfest run: warning: spec fact base not loaded, results carry no "
			"labels: %s\n",
			pf_error_format(&err, ebuf, sizeof(ebuf)));

	known = pf_reports_load_waivers(&o.score, stderr);
	if (run_make_nonce(ctx.nonce)) {
		fprintf(stderr, "plugfest run: getrandom: %s\n", strerror(errno));
		goto out;
	}
	pf_path_join(path, sizeof(path), o.outdir, "hypervisor.log");
	ctx.hvlog.f = fopen(path, "w");
	ctx.hvlog.cap = o.max_log_bytes;
	if (run_ctx_open(&ctx, &o) || !ctx.hvlog.f) {
		fprintf(stderr, "plugfest run: cannot set up the run in '%s': %s\n", o.outdir,
			strerror(errno));
		goto out;
	}
	pf_path_join(path, sizeof(path), o.outdir, "target.yaml");
	pf_copy_file(t->path, path, NULL);
	if (known) {
		char ver[64] = "";

		pf_version_number(hv_version, ver, sizeof(ver));
		pf_progress_known_failures(ctx.progress, known, t->hypervisor.name,
					   ver[0] ? ver : hv_version);
	}
	/* Companion processes (services.h): restarted with every boot. */
	svcs = pf_services_new(t, o.outdir, &err);
	if (!svcs) {
		fprintf(stderr, "plugfest run: %s\n", pf_error_format(&err, ebuf, sizeof(ebuf)));
		goto out;
	}

	run_install_signals();
	run_iso_now(started, sizeof(started));
	t0 = run_now_s();
	pf_progress_start(ctx.progress, t->name, hv_version, o.outdir);
	for (;;) {
		struct pf_results_state st;
		struct pf_open_step open;
		long overall_ms = o.overall_s ? o.overall_s * 1000 : t->overall_ms;
		char msg[512];

		/* Every boot of the run, restarts included, carries the same
		 * nonce: the run is one stream. */
		build_bootargs(bootargs, sizeof(bootargs), &o, ctx.nonce, from);
		pf_argv_free(vargv);
		vargv = pf_target_argv(t, probe_path, bootargs, o.outdir, NULL, &err);
		if (!vargv) {
			fprintf(stderr, "plugfest run: %s\n",
				pf_error_format(&err, ebuf, sizeof(ebuf)));
			rc = PF_EXIT_USAGE;
			goto out;
		}
		boots++;
		if (pf_services_start(svcs, probe_path, bootargs, &err)) {
			pf_error_format(&err, ebuf, sizeof(ebuf));
			fprintf(stderr, "plugfest run: %s\n", ebuf);
			run_add_finding(&ctx, "no-start", ebuf, false);
			svc_infra = true;
			break;
		}
		run_boot_once(&ctx, t, vargv, overall_ms, &bo);
		if (pf_services_stop(svcs, msg, sizeof(msg))) {
			/* The boot's results are not the device's alone. */
			fprintf(stderr, "plugfest run: %s: %s\n", t->path, msg);
			run_add_finding(&ctx, "crash", msg, false);
			svc_infra = true;
		}
		if (!bo.spawned) {
			fprintf(stderr, "plugfest run: cannot start the hypervisor: %s\n",
				bo.argv0_error);
			run_add_finding(&ctx, "no-start", bo.argv0_error, false);
			break;
		}
		pf_results_state(ctx.results, &st);
		if (ctx.journal_full) {
			run_add_finding(
				&ctx, "protocol",
				"journal.jsonl reached its size cap (--max-log-bytes): "
				"the guest sent more records than a run can hold; run stopped",
				false);
			break;
		}
		if (st.ended)
			break;
		if (run_stream_rejected(&ctx, msg, sizeof(msg))) {
			/* Restarting would only replay the same stream. */
			run_add_finding(&ctx, "protocol", msg, false);
			break;
		}
		if (run_interrupted) {
			snprintf(msg, sizeof(msg), "run interrupted by signal %d",
				 (int)run_interrupted);
			run_add_finding(&ctx, "interrupted", msg, false);
			break;
		}
		/* The guest did not finish: a finding against whatever ran. */
		snprintf(msg, sizeof(msg), "hypervisor %s after %.1f s (%s)",
			 pf_supervise_outcome_name(bo.sup.outcome),
			 (double)bo.sup.elapsed_ms / 1000.0,
			 pf_vmm_exit_describe(&bo.sup.exit, ebuf, sizeof(ebuf)));
		if (pf_results_open_step(ctx.results, &open)) {
			/* pinned on the check in flight; resume after it */
			from = open.step + 1;
			run_add_finding(&ctx, pf_supervise_finding_kind(bo.sup.outcome), msg, true);
		} else if (st.boots && st.last_step >= 0) {
			/* Between checks (after a result, before the next begin):
			 * no check is blamed, the finding is the run's, and the
			 * guest resumes at the step after the last result, so
			 * every (device, check) pair still gets exactly one. */
			size_t n = strlen(msg);

			from = st.last_step + 1;
			snprintf(msg + n, sizeof(msg) - n,
				 ", between checks: after step %lld, no check in flight",
				 (long long)st.last_step);
			run_add_finding(&ctx, pf_supervise_finding_kind(bo.sup.outcome), msg,
					false);
		} else {
			run_add_finding(&ctx,
					st.boots ? pf_supervise_finding_kind(bo.sup.outcome)
						 : "no-start",
					msg, false);
			break;
		}
		if ((int)boots > o.max_restarts)
			break;
	}
	pf_journal_sync(ctx.journal);

	{
		json_t *run = build_run_json(t, hv_version, probe_path, vargv, started,
					     run_now_s() - t0, &bo, boots);

		if (run)
			json_object_set_new(run, "nonce", json_string(ctx.nonce));
		pf_results_set_run(ctx.results, run);
	}
	rc = run_conclude(&ctx, &o, spec, "plugfest run", svc_infra);
out:
	pf_services_free(svcs);
	pf_argv_free(vargv);
	if (ctx.hvlog.f)
		fclose(ctx.hvlog.f);
	run_ctx_close(&ctx);
	pf_waivers_free(known);
	pf_spec_free(spec);
	pf_target_free(t);
	return rc;
}
