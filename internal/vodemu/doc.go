// Package vodemu is an offline emulator of the ApsaraVideo VOD OpenAPI
// (version 2017-03-21, RPC style) for GetImageInfo, GetImageInfos and
// SearchMedia (images only), CreateUploadImage (uploads to its OSS
// endpoint: PutObject and multipart, ossupload.go), UpdateImageInfos,
// DeleteImage, and the category tree (AddCategory,
// UpdateCategory, DeleteCategory, GetCategories), and of STS (version
// 2015-04-01) for AssumeRole and AssumeRoleWithOIDC; on the same listener,
// OSS hosts answer the signed URLs it gives (V1 or V4, verified: oss.go,
// osssig.go).
//
// It is a real HTTP server that verifies real signatures, so tests that talk
// to it exercise the client's signing, retries and error handling. It shares
// no code with any client or SDK: signatures, percent-encoding and signed
// URLs are implemented here from the protocol description, with the standard
// library only, so that a client's mistake shows up as an error.
//
// Use it in process (New gives an http.Handler; Start and StartOn listen on
// a port) or as the command internal/vodemu/cmd/vodemu (vodemu -h prints its
// flags and DataFileFormat). Images come from Options.Images, PutImage or a
// data file (LoadDataFile, which may also hold Categories); Options also sets the STS roles, rate limits
// (QPS, DocumentedQPS), TLS and a CONNECT proxy (CA), and faults are
// injected with InjectNext and SetFaultRate or through the control
// endpoints under /_emulator/.
//
// Each behaviour cites its public source in a comment at the code that
// implements it, by a key in brackets such as [Models], or says that it is
// undocumented and why the emulator chose it. README.md beside this file
// lists the sources by key, and every such choice in one table. The
// answers' wire types are in messages.go, the stored state in store.go, and
// every error answer in errors.go.
package vodemu
