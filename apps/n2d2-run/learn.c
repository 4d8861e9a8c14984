/* Learning (-learn / -learn-epoch) with validation every log period, and
 * the final test. Output lines follow N2D2's wording where users grep them. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"

typedef struct learn_state {
    uint64_t total, done, epoch_size, log_period, next_log;
    uint64_t first;           /* done when this run started (resumed runs) */
    double best_score;
    uint64_t best_at, stalled;
    double window_loss;       /* since the last report */
    size_t window_items;
    double started, last_report;
    FILE *learning_curve, *validation_curve;
} learn_state;

static void format_eta(double seconds, char *buf, size_t size)
{
    if (!(seconds >= 0) || seconds > 1e7) {
        snprintf(buf, size, "--:--");
        return;
    }
    unsigned s = (unsigned)seconds;
    if (s >= 3600)
        snprintf(buf, size, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%u:%02u", s / 60, s % 60);
}

static void report_progress(run_session *s, learn_state *ls, int final)
{
    double now = session_now();
    double rate = (double)(ls->done - ls->first) / (now - ls->started > 1e-9 ? now - ls->started : 1e-9);
    char eta[32];
    format_eta((double)(ls->total - ls->done) / (rate > 0 ? rate : 1), eta, sizeof eta);
    double loss = ls->window_items ? ls->window_loss / (double)ls->window_items : 0.0;
    unsigned long long epoch = ls->epoch_size ? ls->done / ls->epoch_size + (ls->done % ls->epoch_size != 0) : 0;
    if (s->interactive) {
        fprintf(stderr, "\r\033[Kepoch %llu  %llu/%llu  loss %.5f  %.0f img/s  ETA %s%s", epoch,
                (unsigned long long)ls->done, (unsigned long long)ls->total, loss, rate, eta,
                final ? "\n" : "");
        fflush(stderr);
    }
    if (ls->learning_curve)
        fprintf(ls->learning_curve, "%llu %.6f %.1f\n", (unsigned long long)ls->done, loss, rate);
    ls->window_loss = 0.0;
    ls->window_items = 0;
    ls->last_report = now;
}

static n2d2_status save_weights(run_session *s, const char *leaf)
{
    char dir[4096];
    return n2d2_graph_save(s->graph, session_path(s, leaf, dir, sizeof dir));
}

/* The checkpoint -l resumes from: <run dir>/state. */
static n2d2_status save_state(run_session *s, const learn_state *ls)
{
    char dir[4096], note[256];
    snprintf(note, sizeof note, "done %llu\nbest_score %.17g\nbest_at %llu\nstalled %llu\npasses %llu\n",
             (unsigned long long)ls->done, ls->best_score, (unsigned long long)ls->best_at,
             (unsigned long long)ls->stalled,
             (unsigned long long)n2d2_stimuli_passes(s->stimuli, N2D2_SET_LEARN));
    return n2d2_graph_save_state(s->graph, session_path(s, "state", dir, sizeof dir), note);
}

static n2d2_status resume(run_session *s, learn_state *ls)
{
    unsigned long long done, best_at, stalled, passes;
    double best;
    if (sscanf(s->resume_note, "done %llu best_score %lg best_at %llu stalled %llu passes %llu", &done,
               &best, &best_at, &stalled, &passes) != 5)
        return n2d2_error(N2D2_ERR_PARSE, "%s/progress: not written by n2d2-run", s->opt->resume_dir);
    ls->done = done;
    ls->best_score = best;
    ls->best_at = best_at;
    ls->stalled = stalled;
    n2d2_stimuli_set_passes(s->stimuli, N2D2_SET_LEARN, passes);
    ls->next_log = (done / ls->log_period + 1) * ls->log_period;
    printf("resumed at %llu stimuli (best validation %.2f%% at %llu)\n", done, 100.0 * best, best_at);
    return N2D2_OK;
}

/* Validation at each log period: N2D2's "+++ BEST" / "--- LOWER". */
static n2d2_status validate(run_session *s, learn_state *ls, int *stop)
{
    if (s->interactive)
        fprintf(stderr, "\r\033[K");
    if (n2d2_stimuli_set_size(s->stimuli, N2D2_SET_VALIDATION) == 0) {
        printf("[%llu] no validation set: weights saved in %s/weights\n",
               (unsigned long long)ls->done, s->run_dir);
        n2d2_status st = save_weights(s, "weights");
        return st == N2D2_OK ? save_state(s, ls) : st;
    }
    pass_result r;
    n2d2_status st = session_evaluate(s, N2D2_SET_VALIDATION, 0, &r);
    if (st != N2D2_OK)
        return st;
    int best = r.score > ls->best_score || ls->best_at == 0;
    printf("[%llu] validation %s: %.2f%% (recognition %.2f%%, loss %.5f) %s", (unsigned long long)ls->done,
           s->opt->valid_metric, 100.0 * r.score, 100.0 * r.recognition, r.loss, best ? "+++ BEST" : "--- LOWER");
    if (best) {
        ls->best_score = r.score;
        ls->best_at = ls->done;
        ls->stalled = 0;
        printf("\n");
        st = save_weights(s, "weights_validation");
    } else {
        ++ls->stalled;
        printf(" (best %.2f%% at %llu)\n", 100.0 * ls->best_score, (unsigned long long)ls->best_at);
        if (s->opt->stop_valid && ls->stalled >= s->opt->stop_valid) {
            printf("stopping: %llu validations without improvement (-stop-valid)\n",
                   (unsigned long long)ls->stalled);
            *stop = 1;
        }
    }
    if (ls->validation_curve)
        fprintf(ls->validation_curve, "%llu %.6f %.6f %.6f\n", (unsigned long long)ls->done, r.score,
                r.recognition, r.loss);
    fflush(stdout);
    if (st == N2D2_OK)
        st = save_state(s, ls);
    return st;
}

static n2d2_status plan(run_session *s, learn_state *ls)
{
    const run_options *o = s->opt;
    ls->epoch_size = n2d2_stimuli_set_size(s->stimuli, N2D2_SET_LEARN);
    if (ls->epoch_size == 0)
        return n2d2_error(N2D2_ERR_INVAL, "%s: the learning set is empty", o->ini_path);
    ls->total = o->learn_given ? o->learn : o->learn_epoch * ls->epoch_size;
    if (o->learn_given && !o->log_given)
        ls->log_period = o->log;
    else if (!o->learn_given && !o->log_given)
        ls->log_period = o->log_epoch * ls->epoch_size;
    else
        ls->log_period = o->log;
    if (ls->log_period == 0)
        ls->log_period = ls->total; /* -log 0 / -log-epoch 0: validate at the end only */
    ls->next_log = ls->log_period;
    return N2D2_OK;
}

static FILE *open_curve(run_session *s, const char *leaf, const char *header)
{
    char path[4096];
    FILE *f = fopen(session_path(s, leaf, path, sizeof path), "w");
    if (f)
        fprintf(f, "%s\n", header);
    return f;
}

static n2d2_status learn_batch(run_session *s, learn_state *ls, size_t count)
{
    double t0 = session_now();
    /* before forward: BatchNorm's batch statistics leave the padding out */
    n2d2_graph_set_active_batch(s->graph, count);
    n2d2_status st = n2d2_graph_forward(s->graph, 1);
    double batch_loss = 0.0;
    for (size_t i = 0; st == N2D2_OK && i < s->n_targets; ++i) {
        run_target *t = &s->targets[i];
        double loss = 0.0;
        st = t->ops->process(t->state, n2d2_graph_cell_output_of(s->graph, t->cell), s->labels, count,
                             n2d2_graph_output_grad(s->graph, t->output), N2D2_SET_LEARN, &loss);
        batch_loss += loss;
    }
    if (st != N2D2_OK)
        return st;
    if (!isfinite(batch_loss))
        return n2d2_error(N2D2_ERR_RANGE,
                          "the loss is %s after %llu learning stimuli: stopping; the last saved weights "
                          "(%s/weights_validation, %s/weights) are kept. Lower the learning rate?",
                          isnan(batch_loss) ? "NaN" : "infinite", (unsigned long long)ls->done,
                          s->run_dir, s->run_dir);
    n2d2_graph_set_progress(s->graph, ls->done, ls->epoch_size);
    st = n2d2_graph_backward(s->graph);
    if (st == N2D2_OK)
        st = n2d2_graph_update(s->graph);
    s->compute_seconds += session_now() - t0;
    ls->window_loss += batch_loss * (double)count;
    ls->window_items += count;
    return st;
}

n2d2_status session_learn(run_session *s)
{
    learn_state ls;
    memset(&ls, 0, sizeof ls);
    n2d2_status st = plan(s, &ls);
    if (st == N2D2_OK && s->resume_note)
        st = resume(s, &ls);
    if (st == N2D2_OK)
        st = n2d2_graph_allocate(s->graph, s->batch, 1);
    if (st == N2D2_OK)
        st = n2d2_stimuli_begin(s->stimuli, N2D2_SET_LEARN, 1, 0);
    if (st != N2D2_OK)
        return st;
    ls.learning_curve = open_curve(s, "learning.dat", "# stimuli loss images_per_second");
    ls.validation_curve = open_curve(s, "validation.dat", "# stimuli score recognition loss");
    printf("learning %llu stimuli (%.2f epochs of %llu), batch %zu, validation every %llu\n",
           (unsigned long long)ls.total, (double)ls.total / (double)ls.epoch_size,
           (unsigned long long)ls.epoch_size, s->batch, (unsigned long long)ls.log_period);
    fflush(stdout);
    ls.started = ls.last_report = session_now();
    ls.first = ls.done;
    int stop = 0;
    while (st == N2D2_OK && !stop && ls.done < ls.total) {
        size_t count;
        double t0 = session_now();
        st = n2d2_stimuli_next(s->stimuli, n2d2_graph_input(s->graph), s->labels, s->indices, &count);
        s->wait_seconds += session_now() - t0;
        if (st == N2D2_OK && count == 0) { /* end of an epoch: reshuffle */
            st = n2d2_stimuli_begin(s->stimuli, N2D2_SET_LEARN, 1, 0);
            continue;
        }
        if (st == N2D2_OK)
            st = learn_batch(s, &ls, count);
        if (st != N2D2_OK)
            break;
        ls.done += count;
        if (ls.done / s->opt->report != (ls.done - count) / s->opt->report || ls.done >= ls.total)
            report_progress(s, &ls, 0);
        if (ls.done >= ls.next_log || ls.done >= ls.total) {
            ls.next_log += ls.log_period;
            st = validate(s, &ls, &stop);
            /* Validation used the provider; a log period that ends inside an
             * epoch starts a fresh shuffled pass (epoch-aligned by default). */
            if (st == N2D2_OK && !stop && ls.done < ls.total)
                st = n2d2_stimuli_begin(s->stimuli, N2D2_SET_LEARN, 1, 0);
        }
    }
    if (s->interactive)
        fprintf(stderr, "\r\033[K");
    if (st == N2D2_OK)
        st = save_weights(s, "weights");
    double seconds = session_now() - ls.started;
    uint64_t learned = ls.done - ls.first;
    printf("learned %llu stimuli in %.1f s (%.0f images/s)\n", (unsigned long long)learned, seconds,
           (double)learned / (seconds > 0 ? seconds : 1));
    if (s->opt->bench) {
        double training = s->compute_seconds + s->wait_seconds;
        printf("bench: training %llu images in %.2f s (%.1f images/s): compute %.2f s, waiting for "
               "data %.2f s; validation and logs %.2f s\n",
               (unsigned long long)learned, training, (double)learned / (training > 0 ? training : 1),
               s->compute_seconds, s->wait_seconds, seconds - training);
    }
    if (ls.learning_curve)
        fclose(ls.learning_curve);
    if (ls.validation_curve)
        fclose(ls.validation_curve);
    return st;
}

n2d2_status session_test(run_session *s)
{
    if (n2d2_stimuli_set_size(s->stimuli, N2D2_SET_TEST) == 0)
        return n2d2_error(N2D2_ERR_INVAL, "%s: the test set is empty", s->opt->ini_path);
    double t0 = session_now();
    pass_result r;
    n2d2_status st = session_evaluate(s, N2D2_SET_TEST, (size_t)s->opt->nb_test, &r);
    if (st != N2D2_OK)
        return st;
    double seconds = session_now() - t0;
    for (size_t i = 0; i < s->n_targets; ++i) {
        run_target *t = &s->targets[i];
        double rate = 0.0, metric = 0.0;
        st = t->ops->score(t->state, N2D2_SET_TEST, "", &rate);
        if (st == N2D2_OK)
            st = t->ops->score(t->state, N2D2_SET_TEST, s->opt->valid_metric, &metric);
        if (st != N2D2_OK)
            return st;
        printf("[%s] tested %zu stimuli in %.2f s (%.0f images/s)\n", t->section, r.stimuli, seconds,
               (double)r.stimuli / (seconds > 0 ? seconds : 1));
        printf("    %s: %.2f%%\n", s->opt->valid_metric, 100.0 * metric);
        printf("Final recognition rate: %.2f%%    (error rate: %.2f%%)\n", 100.0 * rate, 100.0 * (1.0 - rate));
        printf("    reports: %s/\n", t->dir);
    }
    return N2D2_OK;
}
