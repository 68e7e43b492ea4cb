package vod

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

const benchImageJSON = `{"CreationTime":"2018-11-21T02:37:23Z","StorageLocation":"outin-x.oss-cn-shanghai.aliyuncs.com","Status":"Normal","CateId":254766071,"Tags":"tag1,tag2,tag3","ImageType":"NormalSnapshot","CateName":"covers","Description":"d","AppId":"app-1","URL":"https://img.example.com/image/default/X.png?auth_key=1700000000-0-0-0123456789abcdef0123456789abcdef","Title":"t","ImageId":"%s","Mezzanine":{"FileURL":"https://outin-x.oss-cn-shanghai.aliyuncs.com/image/default/X.png?Expires=1700000000&OSSAccessKeyId=LTAI&Signature=abc%%3D","OriginalFileName":"x.png","Width":1920,"Height":1080,"FileSize":"482913"}}`

// cannedServer answers GetImageInfo and GetImageInfos instantly, without checking signatures, so
// that benchmarks measure the client: signing, transport, decoding, batching.
func cannedServer(b *testing.B) (*httptest.Server, *atomic.Int64) {
	b.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query()
		// A failed write means the client hung up; there is no one left to answer.
		if r.Header.Get("x-acs-action") == "GetImageInfos" {
			var items []string
			for _, id := range strings.Split(q.Get("ImageIds"), ",") {
				items = append(items, fmt.Sprintf(benchImageJSON, id))
			}
			_, _ = fmt.Fprintf(w, `{"RequestId":"R","ImageInfo":[%s],"NonExistImageIds":[]}`, strings.Join(items, ","))
			return
		}
		_, _ = fmt.Fprintf(w, `{"RequestId":"R","ImageInfo":%s}`, fmt.Sprintf(benchImageJSON, q.Get("ImageId")))
	}))
	b.Cleanup(srv.Close)
	return srv, &calls
}

func BenchmarkDecodeGetImageInfo(b *testing.B) {
	body := []byte(fmt.Sprintf(`{"RequestId":"R","ImageInfo":%s}`, fmt.Sprintf(benchImageJSON, "abc")))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeGetImageInfo(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetImageInfo is one signed request (V3 and V1), its transport and decoding.
func BenchmarkGetImageInfo(b *testing.B) {
	for _, sig := range []SignatureVersion{SignatureV3, SignatureV1} {
		b.Run(string(sig), func(b *testing.B) {
			srv, _ := cannedServer(b)
			c, err := New(Config{Endpoint: srv.URL, RegionID: "cn-shanghai", Credential: testCredential(b, testSecret), SignatureVersion: sig})
			if err != nil {
				b.Fatal(err)
			}
			c.rates.unpaced = true // the client's own cost, not the documented limits
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.getImageInfo(context.Background(), GetImageInfoInput{ImageID: "abc", OutputType: OutputTypeCDN}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetImage reads images from many goroutines, with and without batching; calls/op is the
// number of HTTP requests per image read.
func BenchmarkGetImage(b *testing.B) {
	for _, batch := range []bool{true, false} {
		b.Run(fmt.Sprintf("batch=%v", batch), func(b *testing.B) {
			srv, calls := cannedServer(b)
			c, err := New(Config{Endpoint: srv.URL, RegionID: "cn-shanghai", Credential: testCredential(b, testSecret), Batch: batch})
			if err != nil {
				b.Fatal(err)
			}
			c.rates.unpaced = true
			var n atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := fmt.Sprintf("%032d", n.Add(1))
					if _, err := c.GetImage(context.Background(), GetImageInfoInput{ImageID: id}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(calls.Load())/float64(n.Load()), "calls/op")
		})
	}
}

// BenchmarkGetImageWorkers reads images the way Terraform does at -parallelism=workers: each worker
// starts its next read when its last one is answered, after a short pause (Terraform's own work).
// calls/op is the number of HTTP requests per image read: 1/workers at best for up to 20 workers,
// 1/20 above.
func BenchmarkGetImageWorkers(b *testing.B) {
	for _, workers := range []int{10, 32} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			srv, calls := cannedServer(b)
			c, err := New(Config{Endpoint: srv.URL, RegionID: "cn-shanghai", Credential: testCredential(b, testSecret), Batch: true})
			if err != nil {
				b.Fatal(err)
			}
			c.rates.unpaced = true
			next := make(chan int)
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						if _, err := c.GetImage(context.Background(), GetImageInfoInput{ImageID: fmt.Sprintf("%032d", i)}); err != nil {
							b.Error(err)
						}
						time.Sleep(200 * time.Microsecond)
					}
				}()
			}
			for i := range b.N {
				next <- i
			}
			close(next)
			wg.Wait()
			b.ReportMetric(float64(calls.Load())/float64(b.N), "calls/op")
		})
	}
}

// BenchmarkReadsUnderDocumentedLimits reads 1,000 images with 10 workers, as Terraform does at its
// default -parallelism, against the emulator with VOD's documented per-action limits
// (GetImageInfos 10/s, GetImageInfo 100/s assumed): once using both actions when GetImageInfos is
// saturated (the client's behaviour), once with every batch of several IDs waiting for
// GetImageInfos (batchOnly). s/1000-reads is the wall time of the 1,000 reads, against the bound
// bound-s the limits imply (1,000 reads less the buckets' first second, at the images per second
// both actions can carry at batches of 10; for batchOnly GetImageInfos' alone).
func BenchmarkReadsUnderDocumentedLimits(b *testing.B) {
	const n, workers = 1000, 10
	imgs := make([]vodemu.Image, n)
	for i := range imgs {
		imgs[i] = vodemu.Image{
			ImageInfo: vodemu.ImageInfo{ImageID: fmt.Sprintf("%032x", i), StorageLocation: "outin-abc.oss-cn-shanghai.aliyuncs.com",
				URL: fmt.Sprintf("https://img.example.com/%d.png", i),
			},
		}
	}
	for _, batchOnly := range []bool{false, true} {
		name := "both-actions"
		if batchOnly {
			name = "GetImageInfos-only"
		}
		b.Run(name, func(b *testing.B) {
			q := vodemu.DocumentedQPS
			perSecond := q["GetImageInfos"] * workers
			if !batchOnly {
				perSecond += q["GetImageInfo"]
			}
			bound := (n - perSecond) / perSecond
			var wall time.Duration
			var calls, throttled int64
			for b.Loop() {
				emu, err := vodemu.Start(vodemu.Options{AccessKeyID: testKeyID, AccessKeySecret: testSecret, Images: imgs, ActionQPS: q})
				if err != nil {
					b.Fatal(err)
				}
				c, err := New(Config{Endpoint: emu.URL, RegionID: "cn-shanghai", Credential: testCredential(b, testSecret), Batch: true})
				if err != nil {
					b.Fatal(err)
				}
				c.batchOnly = batchOnly
				next := make(chan int)
				start := time.Now()
				var wg sync.WaitGroup
				for range workers {
					wg.Go(func() {
						for i := range next {
							if _, err := c.GetImage(context.Background(), GetImageInfoInput{ImageID: imgs[i].ImageID}); err != nil {
								b.Error(err)
							}
						}
					})
				}
				for i := range n {
					next <- i
				}
				close(next)
				wg.Wait()
				wall += time.Since(start)
				st := emu.Server.Stats()
				calls += st.Requests
				throttled += st.ByCode["Throttling.User"]
				_ = emu.Close()
			}
			runs := float64(b.N)
			b.ReportMetric(wall.Seconds()/runs, "s/1000-reads")
			b.ReportMetric(bound, "bound-s")
			b.ReportMetric(float64(calls)/runs, "calls/1000-reads")
			b.ReportMetric(float64(throttled)/runs, "throttled/1000-reads")
		})
	}
}
