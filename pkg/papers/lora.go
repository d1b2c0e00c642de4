package papers

import "theorylab/pkg/papers/lora"

func init() {
	Register(Paper{
		Name: lora.PaperName, Number: 4,
		Title:   "LoRA: Low-Rank Adaptation of Large Language Models",
		Authors: "Hu, Shen, Wallis, Allen-Zhu, Li, Wang, Wang, Chen (ICLR 2022)",
		Presets: []string{"quick", "full"},
		Run: func(preset string, seed int) (*Outcome, error) {
			cfg, err := lora.Preset(preset)
			if err != nil {
				return nil, err
			}
			cfg.Seed = seed
			res, man, hit, err := lora.RunCached(cfg)
			if err != nil {
				return nil, err
			}
			return &Outcome{Config: cfg, Results: res, Claims: lora.Claims(res), Figures: lora.Figures(res),
				Manifest: man, CacheHit: hit}, nil
		},
	})
}
