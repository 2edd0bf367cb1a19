// Test classes of this assembly run one at a time: a network's constructor (nn.Linear's default initialisation) and
// nn.Dropout draw from torch's process-wide generator, so a training test that relies on that generator for its
// reproducibility (resume = uninterrupted) fails when another class builds or trains a network at the same moment.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
