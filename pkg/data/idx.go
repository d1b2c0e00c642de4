package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxIDXBytes bounds the payload an IDX header may announce, so that a
// corrupt header cannot make the reader allocate gigabytes. Full MNIST
// training images are 47 MB.
const maxIDXBytes = 1 << 28

// idxUnsignedByte is the IDX type code for unsigned 8-bit data.
const idxUnsignedByte = 0x08

// readIDX decodes an uncompressed IDX stream of unsigned bytes with wantDims
// dimensions. The IDX layout is a 4-byte magic number (0, 0, type code,
// number of dimensions), then each dimension as a big-endian uint32, then the
// data in row-major order. The stream must end right after the data.
func readIDX(r io.Reader, wantDims int) (dims []int, data []byte, err error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, nil, fmt.Errorf("IDX header truncated: %w", err)
	}
	if magic[0] != 0 || magic[1] != 0 || magic[2] != idxUnsignedByte || int(magic[3]) != wantDims {
		got := binary.BigEndian.Uint32(magic[:])
		want := uint32(idxUnsignedByte)<<8 | uint32(wantDims)
		return nil, nil, fmt.Errorf("bad IDX magic number 0x%08x, want 0x%08x (unsigned bytes, %d dimensions)", got, want, wantDims)
	}
	header := make([]byte, 4*wantDims)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, nil, fmt.Errorf("IDX header truncated in the dimension sizes: %w", err)
	}
	size := 1
	dims = make([]int, wantDims)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(header[4*i:]))
		if dims[i] > 0 && size > maxIDXBytes/dims[i] {
			return nil, nil, fmt.Errorf("IDX dimensions %v announce more than %d bytes: corrupt header", dims[:i+1], maxIDXBytes)
		}
		size *= dims[i]
	}
	data = make([]byte, size)
	if n, err := io.ReadFull(r, data); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("IDX data truncated: header %v announces %d bytes, only %d present", dims, size, n)
		}
		return nil, nil, fmt.Errorf("IDX data unreadable after %d of %d bytes: %w", n, size, err)
	}
	// Reading to the end also makes gzip verify its CRC-32 and length.
	var extra [1]byte
	n, err := io.ReadFull(r, extra[:])
	switch {
	case n > 0:
		return nil, nil, fmt.Errorf("IDX file has data after the %d bytes its header %v announces", size, dims)
	case errors.Is(err, io.EOF):
		return dims, data, nil
	default:
		return nil, nil, fmt.Errorf("IDX stream corrupt at its end: %w", err)
	}
}

// readIDXGzip decodes a gzip-compressed IDX file held in memory.
func readIDXGzip(compressed []byte, wantDims int) (dims []int, data []byte, err error) {
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, nil, fmt.Errorf("not a readable gzip file: %w", err)
	}
	defer zr.Close()
	return readIDX(bufio.NewReaderSize(zr, 1<<16), wantDims)
}
