package runs

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockFile takes an exclusive advisory lock (flock) on path, creating it and
// its directory if needed, and waits for it. The lock is released by unlock,
// or by the kernel if the process dies, so a crash never leaves it held.
func lockFile(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
