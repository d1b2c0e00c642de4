package data

// PooledMNIST is the Edge of Stability lab's MNIST set (our construction,
// modelled on the official repository's cifar10-5k): the first n training
// images, scaled to [0, 1], average-pooled 2×2 to 14×14 (196 features),
// then centred and standardised per pixel over those n images (pixels that
// are constant over the set become 0). Y is one-hot over the 10 digits.
func PooledMNIST(n int) (*Dataset, error) {
	im, err := LoadMNIST("train", n)
	if err != nil {
		return nil, err
	}
	if im, err = im.AvgPool2x2(); err != nil {
		return nil, err
	}
	ds, err := im.ToDataset()
	if err != nil {
		return nil, err
	}
	if _, err := StandardizePerFeature(ds.X, ds.D); err != nil {
		return nil, err
	}
	return ds, nil
}
