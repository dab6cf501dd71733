// Package pooling plans risk pooling for a consortium: shared services
// (a regional SOC, an identity provider with MFA, immutable backups, ...)
// that lift the members at the bottom, who pays what for them, and how far
// each member is from the tiers of a cyber-insurance risk pool.
//
// It is pure domain code: no HTTP, no SQL, no clock. Money is always int64
// whole US cents so that a split adds up to the invoice to the cent.
//
// The pieces:
//
//   - service.go: the service catalogue (Service, CostModel, CheckService,
//     DefaultServices, shipped as data/services.json).
//   - project.go: what the consortium would look like with a plan in place
//     (Project).
//   - optimise.go: which services to buy within a budget (Optimise).
//   - share.go: how the cost of a service is split among its members
//     (Split, WriteAllocationCSV).
//   - readiness.go: insurance tiers and where a member stands (Readiness,
//     DefaultChecklist, shipped as data/insurance.json).
//
// The rules are written out for coordinators in docs/pooling.md;
// TestDocsExample checks its worked example against this code.
package pooling
