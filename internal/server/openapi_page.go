package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// The API reference at /api/docs is rendered on the server from the generated document
// (no script, nothing from outside): one section per operation with its access,
// parameters, body and answers, then the schemas.

type apiDocsData struct {
	Ops     []apiDocsOp
	Schemas []apiDocsSchema
}

type apiDocsOp struct {
	Anchor, Method, Path, Summary, Access, ID string
	Params                                    []apiDocsParam
	BodyMedia                                 string
	Body                                      apiDocsSchemaRef
	Responses                                 []apiDocsResponse
}

type apiDocsParam struct{ Name, In, Type, Desc string }

type apiDocsResponse struct {
	Status, Text string
	Media        []string
	Schema       apiDocsSchemaRef
}

// apiDocsSchemaRef is a component name (linked) or an inline schema (shown as JSON).
type apiDocsSchemaRef struct{ Name, Inline string }

type apiDocsSchema struct{ Name, JSON string }

func (s *Server) apiDocsPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "api_docs", s.page(c, "", "apidocs.title", s.apiDocument.reference()))
}

// reference lays the document out in the route table's order.
func (d apiDocument) reference() apiDocsData {
	var out apiDocsData
	paths, _ := d.doc["paths"].(map[string]any)
	for _, r := range d.routes {
		p := pathParam.ReplaceAllString(r.Path, "{$1}")
		item, _ := paths[p].(map[string]any)
		op, _ := item[strings.ToLower(r.Method)].(map[string]any)
		v := apiDocsOp{Method: r.Method, Path: apiPrefix + p, Summary: r.Doc.Summary, Access: r.Access.String(), ID: handlerName(r.Handler)}
		v.Anchor = "op-" + v.ID
		params, _ := op["parameters"].([]any)
		for _, raw := range params {
			pm, _ := raw.(map[string]any)
			sc, _ := pm["schema"].(map[string]any)
			desc, _ := pm["description"].(string)
			v.Params = append(v.Params, apiDocsParam{Name: pm["name"].(string), In: pm["in"].(string), Type: typeText(sc), Desc: desc})
		}
		if rb, ok := op["requestBody"].(map[string]any); ok {
			for media, mt := range rb["content"].(map[string]any) {
				v.BodyMedia, v.Body = media, schemaRef(mt)
			}
		}
		responses, _ := op["responses"].(map[string]any)
		statuses := make([]string, 0, len(responses))
		for st := range responses {
			statuses = append(statuses, st)
		}
		slices.Sort(statuses)
		for _, st := range statuses {
			rm, _ := responses[st].(map[string]any)
			resp := apiDocsResponse{Status: st, Text: rm["description"].(string)}
			content, _ := rm["content"].(map[string]any)
			for media, mt := range content {
				resp.Media = append(resp.Media, media)
				if media == "application/json" && !strings.HasPrefix(st, "4") && !strings.HasPrefix(st, "5") {
					resp.Schema = schemaRef(mt)
				}
			}
			slices.Sort(resp.Media)
			v.Responses = append(v.Responses, resp)
		}
		out.Ops = append(out.Ops, v)
	}
	comps, _ := d.doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	names := make([]string, 0, len(schemas))
	for n := range schemas {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		raw, _ := json.MarshalIndent(schemas[n], "", "  ")
		out.Schemas = append(out.Schemas, apiDocsSchema{Name: n, JSON: string(raw)})
	}
	return out
}

func schemaRef(mediaType any) apiDocsSchemaRef {
	mt, _ := mediaType.(map[string]any)
	sc, ok := mt["schema"].(map[string]any)
	if !ok {
		return apiDocsSchemaRef{}
	}
	if r, ok := sc["$ref"].(string); ok {
		return apiDocsSchemaRef{Name: strings.TrimPrefix(r, "#/components/schemas/")}
	}
	raw, _ := json.MarshalIndent(sc, "", "  ")
	return apiDocsSchemaRef{Inline: string(raw)}
}

func typeText(sc map[string]any) string {
	t, _ := sc["type"].(string)
	return t
}
