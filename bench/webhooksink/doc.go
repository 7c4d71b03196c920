// Package webhooksink measures the whole service, in process, from a signed
// Drone webhook of a failed build to the alert arriving at a webhook sink:
// the signature check, the build and log fetch from a fake Drone, the
// durable outbox in SQLite, the delivery worker and the sink's HTTP post.
// Its benchmark lives in the test file; bench/run runs it.
package webhooksink
