package papers

import "theorylab/pkg/papers/proximity"

func init() {
	Register(Paper{
		Name: proximity.PaperName, Number: 10,
		Title:   "When Is Generalizable Reinforcement Learning Tractable?",
		Authors: "Malik, Li, Ravikumar (NeurIPS 2021)",
		Presets: []string{"quick", "full"},
		Run: func(preset string, seed int) (*Outcome, error) {
			cfg, err := proximity.Preset(preset)
			if err != nil {
				return nil, err
			}
			cfg.Seed = seed
			res, man, hit, err := proximity.RunCached(cfg)
			if err != nil {
				return nil, err
			}
			return &Outcome{Config: cfg, Results: res, Claims: proximity.Claims(res), Figures: proximity.Figures(res),
				Manifest: man, CacheHit: hit}, nil
		},
	})
}
