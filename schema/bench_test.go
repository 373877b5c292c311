package schema

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time: on a shared machine the
// wall time per op counts the waits for a core, the CPU time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs decode b.N times and reports CPU ns/op and records per CPU second.
func loop(b *testing.B, d *Decoder, f []byte) {
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := d.DecodeFramed("t", false, f); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuTime() - start
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "records/cpu-s")
}

// benchFrames returns ~300-byte Avro and Protobuf records (uuids, a
// nested record, an array) and a warm decoder for them.
func benchFrames(b *testing.B) (*Decoder, []byte, []byte) {
	_, reg := newFakeRegistry(b)
	d := NewDecoder(reg, Options{})
	avroBytes := avroOrderBytes(b, "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b-"+strings.Repeat("x", 210))
	avroFrame := frame(2, nil, avroBytes)
	protoFrame := frame(3, []byte{2, 2}, protoPayment(b, "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b-"+strings.Repeat("y", 228)))
	for _, f := range [][]byte{avroFrame, protoFrame} {
		if _, err := d.DecodeFramed("t", false, f); err != nil {
			b.Fatal(err)
		}
	}
	return d, avroFrame, protoFrame
}

// BenchmarkDecodeAvro decodes a ~300-byte Avro record to JSON, schema
// cached (target: >= 100k records/s on one core: < 10 µs/op).
func BenchmarkDecodeAvro(b *testing.B) {
	d, f, _ := benchFrames(b)
	loop(b, d, f)
}

// BenchmarkDecodeProtobuf decodes a ~300-byte Protobuf record to JSON.
func BenchmarkDecodeProtobuf(b *testing.B) {
	d, _, f := benchFrames(b)
	loop(b, d, f)
}
