# Sourced by the end-to-end training scripts of the database drivers
# (dir_train.sh, ../databases_more/acti_train.sh): the network they share
# and the check of the n2d2-run -learn log.

# The Fc + Softmax sections after [sp], with learning rate $1.
fc_softmax_ini() {
    cat <<INI

[fc]
Input=sp
Type=Fc
NbOutputs=3
ActivationFunction=Linear
ConfigSection=solver

[solver]
Solvers.LearningRate=$1

[soft]
Input=fc
Type=Softmax
NbOutputs=3
WithLoss=1

[soft.Target]
INI
}

# Log $1 must show $2 learning and $3 test stimuli and a final recognition
# rate above 80 % (3 classes: chance is 33 %); then the work folder goes
# and test $4 reports ok.
check_learn() {
    grep -q "epochs of $2)" "$1" || { echo "expected $2 learning stimuli"; exit 1; }
    grep -q "tested $3 stimuli" "$1" || { echo "expected $3 test stimuli"; exit 1; }
    local rate
    rate=$(sed -n 's/^Final recognition rate: \([0-9.]*\)%.*/\1/p' "$1" | tail -n 1)
    echo "recognition rate: $rate %"
    awk -v r="$rate" 'BEGIN { exit !(r > 80.0) }'
    cd / && rm -rf "$work"
    echo "$4: ok"
}
