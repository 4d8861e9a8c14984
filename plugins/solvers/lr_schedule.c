/* Learning-rate policies of SGD (manual 22.3.1; decision A31 for the
 * units): with alpha_0 = LearningRate, k = LearningRateDecay, n = Power,
 * t = floor(stimuli / LearningRateStepSize) and i = completed updates
 * (capped at MaxIterations when that is > 0):
 *   None              alpha_0
 *   StepDecay         alpha_0 k^t
 *   ExponentialDecay  alpha_0 exp(-k t)
 *   InvTDecay         alpha_0 / (1 + k t)
 *   InvDecay          alpha_0 (1 + k i)^-n
 *   PolyDecay         alpha_0 (1 - i / MaxIterations)^n
 *   CosineDecay       (manual examples only) MaxIterations counts stimuli,
 *                     as in the manual's ImageNet example (150 epochs x
 *                     1281167 stimuli): a linear warm-up from
 *                     WarmUpLRFrac alpha_0 to alpha_0 over the first
 *                     WarmUpDuration stimuli, then
 *                     alpha_0 (1 + cos(pi s / (MaxIterations - WarmUp))) / 2
 *                     with s the stimuli since the warm-up, capped. */
#include <math.h>

#include "solver_util.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

n2d2_status n2d2_lr_schedule_from_params(const n2d2_params *p, n2d2_lr_schedule *s)
{
    s->rate = n2d2_params_float(p, "LearningRate");
    s->policy = (n2d2_lr_policy)n2d2_params_enum(p, "LearningRatePolicy");
    s->step_size = n2d2_params_uint(p, "LearningRateStepSize");
    s->decay = n2d2_params_float(p, "LearningRateDecay");
    s->power = n2d2_params_float(p, "Power");
    s->max_iterations = n2d2_params_uint(p, "MaxIterations");
    s->warm_up = n2d2_params_uint(p, "WarmUpDuration");
    s->warm_up_frac = n2d2_params_float(p, "WarmUpLRFrac");
    const char *policy = n2d2_params_string(p, "LearningRatePolicy");
    if (s->step_size == 0)
        return n2d2_params_error(p, "LearningRateStepSize", N2D2_ERR_RANGE,
                                 "must be >= 1");
    if ((s->policy == N2D2_LR_POLY_DECAY || s->policy == N2D2_LR_COSINE_DECAY) &&
        s->max_iterations == 0)
        return n2d2_params_error(p, "LearningRatePolicy", N2D2_ERR_INVAL,
                                 "%s needs MaxIterations > 0", policy);
    if (s->warm_up > 0 && s->policy != N2D2_LR_COSINE_DECAY)
        return n2d2_params_error(p, "WarmUpDuration", N2D2_ERR_NOT_IMPLEMENTED,
                                 "warm-up with LearningRatePolicy=%s is not implemented yet "
                                 "(only with CosineDecay)",
                                 policy);
    if (s->policy == N2D2_LR_COSINE_DECAY && s->warm_up >= s->max_iterations)
        return n2d2_params_error(p, "WarmUpDuration", N2D2_ERR_RANGE,
                                 "%llu stimuli must be below MaxIterations (%llu)",
                                 (unsigned long long)s->warm_up,
                                 (unsigned long long)s->max_iterations);
    if (n2d2_params_float(p, "MinDecay") != 0.0)
        return n2d2_params_error(p, "MinDecay", N2D2_ERR_NOT_IMPLEMENTED,
                                 "values other than 0 are not implemented yet");
    return N2D2_OK;
}

static double cosine_rate(const n2d2_lr_schedule *s, uint64_t stimuli)
{
    if (stimuli < s->warm_up) {
        double f = s->warm_up_frac;
        return s->rate * (f + (1.0 - f) * (double)stimuli / (double)s->warm_up);
    }
    uint64_t span = s->max_iterations - s->warm_up;
    uint64_t since = stimuli - s->warm_up;
    if (since > span)
        since = span;
    return s->rate * 0.5 * (1.0 + cos(M_PI * (double)since / (double)span));
}

double n2d2_lr_schedule_rate(const n2d2_lr_schedule *s, uint64_t updates, uint64_t per_update)
{
    if (s->policy == N2D2_LR_COSINE_DECAY)
        return cosine_rate(s, updates * per_update);
    /* N2D2 stops counting updates at MaxIterations. */
    if (s->max_iterations > 0 && updates > s->max_iterations)
        updates = s->max_iterations;
    uint64_t stimuli = updates * per_update;
    double t = (double)(stimuli / s->step_size);
    double i = (double)updates;
    switch (s->policy) {
    case N2D2_LR_STEP_DECAY:
        return s->rate * pow(s->decay, t);
    case N2D2_LR_EXPONENTIAL_DECAY:
        return s->rate * exp(-s->decay * t);
    case N2D2_LR_INVT_DECAY:
        return s->rate / (1.0 + s->decay * t);
    case N2D2_LR_INV_DECAY:
        return s->rate * pow(1.0 + s->decay * i, -s->power);
    case N2D2_LR_POLY_DECAY:
        return s->rate * pow(1.0 - i / (double)s->max_iterations, s->power);
    default:
        return s->rate;
    }
}
