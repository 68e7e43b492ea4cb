package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The image files of the write cases, and the loopback transfer that bounds their upload.

// pngHeader is a PNG signature and IHDR chunk for an RGB image of w × h pixels: all the emulator
// reads of an uploaded object (its width and height, with image.DecodeConfig), and all the provider
// checks of a file (its extension and size). What follows it in the files is filler.
func pngHeader(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 0, 17)
	ihdr = append(ihdr, "IHDR"...)
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // bit depth 8, RGB, deflate, adaptive filtering, no interlace
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// writeImageFile writes size bytes at path, streamed: a PNG header, then pseudo-random filler
// seeded by seed (each file its own content, so its own SHA-256).
func writeImageFile(path string, size int64, seed uint64) (err error) {
	f, err := os.Create(filepath.Clean(path))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	h := pngHeader(640+uint32(seed%640), 480+uint32(seed%480))
	if _, err := w.Write(h); err != nil {
		return err
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed+1)
	if _, err := io.CopyN(w, rand.NewChaCha8(key), size-int64(len(h))); err != nil {
		return err
	}
	return w.Flush()
}

// writeImageFiles writes n files of size bytes into dir, named img-<i>.png, and returns their paths.
func writeImageFiles(dir string, n int, size int64) ([]string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("img-%d.png", i))
		if err := writeImageFile(paths[i], size, uint64(i)); err != nil {
			return nil, fmt.Errorf("writing %s: %w", paths[i], err)
		}
	}
	return paths, nil
}

// loopbackTransfer is the shortest of tries transfers of the files over HTTP on 127.0.0.1, by
// parallel workers (one PUT per file, the body read from the file, a server that discards it):
// what moving these bytes through the loopback costs on this machine, with nothing else done to
// them (no signing, no hashing), so no upload of them can be faster.
func loopbackTransfer(ctx context.Context, files []string, parallel, tries int) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: parallel}}
	url := "http://" + ln.Addr().String() + "/object"
	put := func(path string) error {
		f, err := os.Open(filepath.Clean(path))
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, f)
		if err != nil {
			return err
		}
		req.ContentLength = fi.Size()
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errors.New(resp.Status)
		}
		return nil
	}
	var best time.Duration
	for range tries {
		jobs := make(chan string)
		errs := make(chan error, parallel)
		var wg sync.WaitGroup
		start := time.Now()
		for range parallel {
			wg.Go(func() {
				for p := range jobs {
					if err := put(p); err != nil {
						errs <- err
						return
					}
				}
			})
		}
	feed:
		for _, p := range files {
			select {
			case jobs <- p:
			case err := <-errs:
				close(jobs)
				wg.Wait()
				return 0, err
			case <-ctx.Done():
				break feed
			}
		}
		close(jobs)
		wg.Wait()
		d := time.Since(start)
		select {
		case err := <-errs:
			return 0, err
		default:
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if best == 0 || d < best {
			best = d
		}
	}
	return best, nil
}
