package plot

// Named is a figure with a file name (the command line saves it as Name + ".svg")
// and a caption (shown under it in notebooks and docs).
type Named struct {
	Name    string
	Caption string
	Fig     *Figure
}
