package server

import "github.com/ntmflow/ntmflow/internal/nomination"

// routes is the whole HTTP surface in one table: path, handler and who may call it.
// Permissions on objects are decided by the domain services with the caller's scope.
func (s *Server) routes() {
	e := s.e
	e.Use(s.requestContext, securityHeaders, compressLarge(), checkRequestText, s.loadPrincipal)
	small := limitBody(1 << 20)
	upload := limitBody(nomination.MaxAttachmentSize + 64<<10) // the file plus multipart framing

	// Browser pages (SPEC §10): server-rendered, cookie session, CSRF on every form.
	e.GET("/static/*", s.staticHandler())
	e.GET("/login", s.loginPage)
	e.POST("/login", s.loginSubmit, small)
	e.POST("/logout", s.logoutSubmit, small, s.requirePage)
	e.POST("/language", s.setLanguage, small, s.csrfIfSignedIn)
	e.GET("/", s.homePage, s.requirePage)
	e.GET("/nominations", s.nominationsPage, s.requirePage)
	e.GET("/nominations/new", s.newNominationPage, s.requirePage)
	e.POST("/nominations", s.createNominationSubmit, small, s.requirePage)
	e.GET("/nominations/:id", s.nominationPage, s.requirePage)
	e.GET("/nominations/:id/edit", s.editNominationPage, s.requirePage)
	e.POST("/nominations/:id/edit", s.editNominationSubmit, small, s.requirePage)
	e.POST("/nominations/:id/transition", s.transitionSubmit, small, s.requirePage)
	e.GET("/nominations/:id/review", s.reviewPage, s.requirePage)
	e.POST("/nominations/:id/review", s.reviewSubmit, small, s.requirePage)
	e.POST("/nominations/:id/attachments", s.uploadAttachmentPage, upload, s.requirePage)
	e.POST("/nominations/:id/attachments/:aid/delete", s.deleteAttachmentPage, small, s.requirePage)
	e.GET("/recognitions", s.recognitionsPage, s.requirePage)
	e.GET("/criteria", s.criteriaPage, s.requirePage)
	e.GET("/users", s.usersPage, s.requirePage)
	e.GET("/campaigns", s.campaignsPage, s.requirePage)
	e.GET("/campaigns/new", s.newCampaignPage, s.requirePage)
	e.POST("/campaigns", s.createCampaignSubmit, small, s.requirePage)
	e.GET("/campaigns/:id", s.dashboardPage, s.requirePage)
	e.GET("/campaigns/:id/edit", s.editCampaignPage, s.requirePage)
	e.POST("/campaigns/:id/edit", s.editCampaignSubmit, small, s.requirePage)
	e.GET("/campaigns/:id/targets", s.targetsPage, s.requirePage)
	e.POST("/campaigns/:id/targets", s.targetsSubmit, small, s.requirePage)

	// The public registry (SPEC §7): no sign-in, active recognitions only in lists; one
	// page per recognition (the certificate's QR target) says plainly what its status is.
	e.GET("/public/recognitions", s.publicRecognitionsPage)
	e.GET("/public/recognitions/:id", s.publicRecognitionPage)

	// Operations: probes are public; /metrics only with NTMFLOW_METRICS_TOKEN (else 404).
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsEndpoint())

	api := e.Group("/api/v1", small)
	// Evidence upload: the only route with the large body limit, so it sits outside the group.
	e.POST("/api/v1/nominations/:id/attachments", s.uploadAttachment, upload, s.requireAuth)

	// Administrative units: public data (SPEC §2).
	api.GET("/units", s.listUnits)
	api.GET("/units/:code", s.getUnit)

	// Sessions (SPEC §3). Login is throttled inside the identity service.
	api.POST("/auth/login", s.login)
	api.POST("/auth/logout", s.logout, s.requireAuth)
	api.GET("/me", s.me, s.requireAuth)

	// Users: admin of a province, for users holding roles inside it (identity checks scope).
	api.POST("/users", s.createUser, s.requireAuth)
	api.GET("/users", s.listUsers, s.requireAuth)
	api.PUT("/users/:id/roles", s.replaceUserRoles, s.requireAuth)
	api.POST("/users/:id/disable", s.disableUser, s.requireAuth)

	// Criteria sets (SPEC §5): read by anyone working in the province, published by its admin.
	api.GET("/criteria-sets", s.listCriteriaSets, s.requireAuth)
	api.GET("/criteria-sets/:id", s.getCriteriaSet, s.requireAuth)
	api.POST("/criteria-sets", s.publishCriteriaSet, s.requireAuth)

	// Nominations (SPEC §6). Scope (404) and role (403) are decided per object by the
	// nomination service from the caller's grants and the workflow table.
	api.POST("/nominations", s.createNomination, s.requireAuth)
	api.GET("/nominations", s.listNominations, s.requireAuth)
	api.GET("/nominations/:id", s.getNomination, s.requireAuth)
	api.PATCH("/nominations/:id", s.patchNomination, s.requireAuth)
	api.PUT("/nominations/:id/review", s.putReview, s.requireAuth)
	api.POST("/nominations/:id/transitions", s.postTransition, s.requireAuth)
	api.GET("/nominations/:id/history", s.getHistory, s.requireAuth)
	api.GET("/nominations/:id/attachments", s.listAttachments, s.requireAuth)
	api.GET("/nominations/:id/attachments/:aid", s.downloadAttachment, s.requireAuth)
	api.DELETE("/nominations/:id/attachments/:aid", s.deleteAttachment, s.requireAuth)

	// Recognitions (SPEC §7), any signed-in role, in scope.
	api.GET("/recognitions", s.listRecognitions, s.requireAuth)
	api.GET("/recognitions/:id", s.getRecognition, s.requireAuth)
	api.GET("/recognitions/:id/certificate.pdf", s.certificate, s.requireAuth)
	api.GET("/public/recognitions", s.publicRecognitionsAPI)
	api.GET("/public/recognitions/:id", s.publicRecognitionAPI)

	// Campaigns, targets, progress (SPEC §8): read in the province, managed by its
	// approvers and admins; progress for the caller's report scope.
	api.POST("/campaigns", s.createCampaign, s.requireAuth)
	api.GET("/campaigns", s.listCampaigns, s.requireAuth)
	api.GET("/campaigns/:id", s.getCampaign, s.requireAuth)
	api.PUT("/campaigns/:id", s.updateCampaign, s.requireAuth)
	api.PUT("/campaigns/:id/targets", s.putTargets, s.requireAuth)
	api.GET("/campaigns/:id/progress", s.getProgress, s.requireAuth)
	api.GET("/campaigns/:id/progress.csv", s.progressCSV, s.requireAuth)
	api.GET("/campaigns/:id/progress.xlsx", s.progressXLSX, s.requireAuth)

	// The filtered nominations list as a spreadsheet, for the district and province levels.
	api.GET("/nominations.csv", s.nominationsCSV, s.requireAuth)
	api.GET("/nominations.xlsx", s.nominationsXLSX, s.requireAuth)
}
