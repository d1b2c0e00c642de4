package adamgd

import "fmt"

// Methods a setting can train with.
const (
	GD     = "gd"      // W ← W − η ∇L
	Adam   = "adam"    // Kingma & Ba, with bias correction, ℓ2 inside the loss
	SignGD = "sign-gd" // W ← W − η sign(∇L): Adam's early-phase limit
)

// Setting is one configuration trained on every seed: a method, its learning
// rate, λ, Adam's ε, and whether the data keep their feature (Null: the
// feature patch zeroed — the null of the mechanism claim).
type Setting struct {
	Method string  `json:"method"`
	LR     float64 `json:"lr"`
	Lambda float64 `json:"lambda"`
	Eps    float64 `json:"eps"`
	Null   bool    `json:"null"`
	Role   string  `json:"role"` // "grid", "null", "variant"
}

func (s Setting) String() string {
	n := ""
	if s.Null {
		n = ", no feature"
	}
	if s.Method == Adam {
		return fmt.Sprintf("%s lr %g λ %g ε %g%s", s.Method, s.LR, s.Lambda, s.Eps, n)
	}
	return fmt.Sprintf("%s lr %g λ %g%s", s.Method, s.LR, s.Lambda, n)
}

// Settings lists every configuration of one run: the grid of both methods
// (learning rates × λ), the null runs at the main point, sign-GD at Adam's
// main point, and Adam's ε variants.
func (c Config) Settings() []Setting {
	var out []Setting
	for _, lam := range c.Lambdas {
		for _, lr := range c.GDLRs {
			out = append(out, Setting{Method: GD, LR: lr, Lambda: lam, Eps: c.Eps, Role: "grid"})
		}
		for _, lr := range c.AdamLRs {
			out = append(out, Setting{Method: Adam, LR: lr, Lambda: lam, Eps: c.Eps, Role: "grid"})
		}
	}
	out = append(out,
		Setting{Method: GD, LR: c.MainGDLR, Lambda: c.MainLambda, Eps: c.Eps, Null: true, Role: "null"},
		Setting{Method: Adam, LR: c.MainAdamLR, Lambda: c.MainLambda, Eps: c.Eps, Null: true, Role: "null"},
		Setting{Method: SignGD, LR: c.MainAdamLR, Lambda: c.MainLambda, Eps: c.Eps, Role: "variant"})
	for _, e := range c.EpsVariants {
		out = append(out, Setting{Method: Adam, LR: c.MainAdamLR, Lambda: c.MainLambda, Eps: e, Role: "variant"})
	}
	return out
}

// Find returns the index of the first setting with these values (−1 if none).
func Find(settings []Setting, method string, lr, lambda, eps float64, null bool) int {
	for i, s := range settings {
		if s.Method == method && s.LR == lr && s.Lambda == lambda && s.Eps == eps && s.Null == null {
			return i
		}
	}
	return -1
}
