package onesided

import (
	"fmt"
	"image"

	"theorylab/pkg/plot"
)

// Figures draws the paper's figures from the results.
func Figures(res *Results) []plot.Named {
	figs := []plot.Named{
		{Name: "toy-gradients", Caption: "Toy game (our construction), first seed, α/√t: the min player's ‖∇ₓf‖ (log scale) falls to machine precision while the max player's ‖∇_y f‖ sits on ‖b‖ = 1 (dashed); in the control (concave max player) both fall.", Fig: ToyGradFigure(res)},
		{Name: "toy-mvi", Caption: "Toy game: the one-sided MVI value ⟨∇ₓf, x − c⟩ along the runs of the first seed. It never goes below zero (the line).", Fig: ToyMVIFigure(res)},
		{Name: "gan-gradients", Caption: "Ring GAN, Adam (first successful seed) and its perfect-generator null: large-batch gradient norm ‖g₁‖ of each player's own loss (solid), its signal √⟨g₁, g₂⟩ from two independent evaluation sets (dots; missing where ⟨g₁, g₂⟩ ≤ 0), the sampling-noise floor of one evaluation set (faint) and the expected minibatch norm (thin). The paper's picture would be G falling while D stays up.", Fig: GANGradFigure(res)},
		{Name: "gan-mvi", Caption: "Ring GAN: the normalised MVI value ⟨∇L(θᵗ), θᵗ − θᵀ⟩/(‖∇L‖‖θᵗ − θᵀ‖) of the generator and of the discriminator (Adam, every seed) and of the generator under plain GDA; the claim window [0.1T, 0.9T] is shaded.", Fig: GANMVIFigure(res)},
		{Name: "gan-samples", Caption: "Ring GAN, Adam, first seed: generated points (blue) against the mode centres (orange) at four checkpoints; the last panel is plain GDA's final generator.", Fig: SamplesFigure(res)},
	}
	if res.MNIST != nil {
		figs = append(figs,
			plot.Named{Name: "mnist-samples", Caption: "MNIST GAN (full preset), first seed: 16 generated images of Adam's generator at four checkpoints, and plain GDA's final generator (last panel).", Fig: MNISTSamplesFigure(res)},
			plot.Named{Name: "mnist-gradients", Caption: "MNIST GAN, Adam (first successful seed) and its perfect-generator null (real images as the generator's samples): the same gradient measurements as for the ring.", Fig: MNISTGradFigure(res)},
			plot.Named{Name: "mnist-mvi", Caption: "MNIST GAN: the normalised MVI value of the generator and of the discriminator (Adam, every seed) and of the generator under plain GDA; the claim window [0.1T, 0.9T] is shaded.", Fig: MNISTMVIFigure(res)})
	}
	return figs
}

func firstToy(res *Results, control bool, beta1 float64) *ToyRun {
	for i, r := range res.Toy {
		if r.Control == control && r.Schedule == "decay" && r.Beta1 == beta1 && r.Seed == res.Config.Seed {
			return &res.Toy[i]
		}
	}
	return nil
}

// floor keeps a log plot finite: values ≤ 0 become lo.
func floor(xs []float64, lo float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = max(x, lo)
	}
	return out
}

// ToyGradFigure plots ‖∇ₓf‖ and ‖∇_y f‖ of the toy and of its control.
func ToyGradFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(900, 380), plot.Grid(1, 2), plot.Title("Toy game: one-sided convergence of Adam"))
	for _, control := range []bool{false, true} {
		title := "toy: f = ½‖x−c‖²(1+½ sin y₁) + y₂"
		if control {
			title = "control: max player −½‖y‖²"
		}
		p := fig.Panel(title).XLabel("step").YLabel("gradient norm").YLog()
		for _, b1 := range []float64{0.5, 0.9} {
			r := firstToy(res, control, b1)
			if r == nil {
				continue
			}
			p.Line(fmt.Sprintf("‖∇ₓf‖, β₁=%g", b1), convert[float64](r.Steps), floor(r.GradX, 1e-18))
			p.Line(fmt.Sprintf("‖∇_y f‖, β₁=%g", b1), convert[float64](r.Steps), floor(r.GradY, 1e-18))
		}
		p.HLine(1, plot.Label("‖b‖ = 1"))
	}
	return fig
}

// ToyMVIFigure plots the toy's MVI value.
func ToyMVIFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(760, 360), plot.Title("Toy game: one-sided MVI value"))
	p := fig.Panel("⟨∇ₓf(xₜ, yₜ), xₜ − c⟩").XLabel("step").YLabel("MVI value")
	for _, b1 := range []float64{0.5, 0.9} {
		if r := firstToy(res, false, b1); r != nil {
			p.Line(fmt.Sprintf("β₁=%g", b1), convert[float64](r.Steps), r.MVI)
		}
	}
	p.HLine(0)
	return fig
}

func firstGAN(res *Results, method string, null, wantSuccess bool) *GANRun {
	for i, r := range res.GAN {
		if r.Method == method && r.Null == null && (!wantSuccess || r.Success) {
			return &res.GAN[i]
		}
	}
	for i, r := range res.GAN {
		if r.Method == method && r.Null == null {
			return &res.GAN[i]
		}
	}
	return nil
}

// GANGradFigure plots the large-batch gradient signals, noise floors and minibatch norms.
func GANGradFigure(res *Results) *plot.Figure {
	return gradFigure("Ring GAN: gradient of each player's own loss", firstGAN(res, MethodAdam, false, true), firstGAN(res, MethodAdam, true, false))
}

// gradFigure plots the gradient measurements of an Adam run and of its null.
func gradFigure(title string, adam, null *GANRun) *plot.Figure {
	fig := plot.New(plot.Size(900, 380), plot.Grid(1, 2), plot.Title(title))
	for _, item := range []struct {
		title string
		run   *GANRun
	}{{"Adam", adam}, {"perfect-generator null", null}} {
		if item.run == nil {
			continue
		}
		r := item.run
		p := fig.Panel(fmt.Sprintf("%s, seed %d", item.title, r.Seed)).XLabel("iteration").YLabel("gradient").YLog()
		x := convert[float64](r.Iter)
		players := []struct {
			name                   string
			norm, sig, noise, mini []float64
		}{{"D", r.NormD, r.SigD, r.NoiseD, r.MiniD}}
		if !r.Null {
			players = append([]struct {
				name                   string
				norm, sig, noise, mini []float64
			}{{"G", r.NormG, r.SigG, r.NoiseG, r.MiniG}}, players...)
		}
		for _, pl := range players {
			key := pl.name + " large-batch ‖g₁‖"
			p.Line(key, x, floor(pl.norm, 1e-6))
			var sx, sy []float64
			for k, v := range pl.sig {
				if v > 0 {
					sx, sy = append(sx, x[k]), append(sy, v)
				}
			}
			p.Dots(pl.name+" signal √⟨g₁,g₂⟩", sx, sy, plot.ColorOf(key), plot.Radius(2))
			p.Line(pl.name+" noise floor", x, floor(pl.noise, 1e-6), plot.ColorOf(key), plot.Opacity(0.3))
			p.Line(pl.name+" minibatch (expected)", x, floor(pl.mini, 1e-6), plot.ColorOf(key), plot.Width(0.6))
		}
	}
	return fig
}

// GANMVIFigure plots the normalised MVI values.
func GANMVIFigure(res *Results) *plot.Figure {
	return mviFigure("Ring GAN: one-sided MVI along the trajectory (x* = final parameters)", float64(res.Config.Iters), res.GAN, true)
}

// mviFigure plots the normalised MVI values of GAN runs trained for T
// iterations, on the y range [−1, 1] if full.
func mviFigure(title string, T float64, gans []GANRun, full bool) *plot.Figure {
	fig := plot.New(plot.Size(900, 380), plot.Grid(1, 2), plot.Title(title))
	pa := fig.Panel("Adam").XLabel("iteration").YLabel("normalised MVI value")
	pg := fig.Panel("plain GDA (control)").XLabel("iteration").YLabel("normalised MVI value")
	for _, p := range []*plot.Panel{pa, pg} {
		if full {
			p.YRange(-1, 1)
		}
		p.VBand(0.1*T, 0.9*T)
		p.HLine(0)
	}
	// colour of a series: the ring's figure keeps its look; the others name their colours
	colour := func(label, c string) plot.Option {
		if full {
			return plot.ColorOf(label)
		}
		return plot.Color(c)
	}
	for _, r := range gans {
		if r.Null {
			continue
		}
		if r.Method == MethodAdam {
			pa.Line("generator", convert[float64](r.Iter), r.MVIG, colour("generator", "#0072B2"), plot.Opacity(0.7))
			pa.Line("discriminator", convert[float64](r.Iter), r.MVID, colour("discriminator", "#D55E00"), plot.Opacity(0.7))
		} else {
			pg.Line("generator (GDA)", convert[float64](r.Iter), r.MVIG, colour("generator (GDA)", "#009E73"), plot.Opacity(0.7))
		}
	}
	return fig
}

// SamplesFigure scatters generated points at four checkpoints, and GDA's final ones.
func SamplesFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(1000, 250), plot.Grid(1, 5), plot.Title("Ring GAN: generated samples"))
	ring := res.Config.Ring()
	var cx, cy []float64
	for k := range ring.Modes {
		x, y := ring.Centre(k)
		cx, cy = append(cx, x), append(cy, y)
	}
	panel := func(title string, pts []float64) {
		p := fig.Panel(title).XRange(-3, 3).YRange(-3, 3)
		var xs, ys []float64
		for i := 0; i+1 < len(pts); i += 2 {
			xs, ys = append(xs, pts[i]), append(ys, pts[i+1])
		}
		p.Dots("generated", xs, ys, plot.Radius(1), plot.NoLegend)
		p.Dots("mode centres", cx, cy, plot.Radius(3), plot.NoLegend)
	}
	if r := firstGAN(res, MethodAdam, false, false); r != nil {
		for i, pts := range r.Samples {
			panel(fmt.Sprintf("Adam, iter %d", r.SampleIter[i]), pts)
		}
	}
	if r := firstGAN(res, MethodGDA, false, false); r != nil && len(r.Samples) > 0 {
		panel(fmt.Sprintf("GDA, iter %d", r.SampleIter[len(r.SampleIter)-1]), r.Samples[len(r.Samples)-1])
	}
	return fig
}

// firstMNIST is the first MNIST run of a method (the first successful one if wantSuccess and there is one).
func firstMNIST(res *Results, method string, null, wantSuccess bool) *GANRun {
	sub := &Results{GAN: res.MNIST.GAN}
	return firstGAN(sub, method, null, wantSuccess)
}

// MNISTGradFigure is GANGradFigure for the MNIST GAN.
func MNISTGradFigure(res *Results) *plot.Figure {
	return gradFigure("MNIST GAN: gradient of each player's own loss", firstMNIST(res, MethodAdam, false, true), firstMNIST(res, MethodAdam, true, false))
}

// MNISTMVIFigure is GANMVIFigure for the MNIST GAN.
func MNISTMVIFigure(res *Results) *plot.Figure {
	// in 420,000 dimensions the normalised values are small: the y range follows the data
	return mviFigure("MNIST GAN: one-sided MVI along the trajectory (x* = final parameters)", float64(res.Config.MNIST.Iters), res.MNIST.GAN, false)
}

// MNISTSamplesFigure shows generated images of the first seed at four checkpoints, and GDA's final ones.
func MNISTSamplesFigure(res *Results) *plot.Figure {
	fig := plot.New(plot.Size(1000, 250), plot.Grid(1, 5), plot.Title("MNIST GAN: generated images"))
	panel := func(title string, pix []float64) {
		var imgs []image.Image
		for i := 0; (i+1)*mnistPixels <= len(pix); i++ {
			imgs = append(imgs, plot.GrayImage(pix[i*mnistPixels:(i+1)*mnistPixels], 28, 28, -1, 1))
		}
		fig.Panel(title).Images(imgs, 4)
	}
	if r := firstMNIST(res, MethodAdam, false, false); r != nil {
		for i, pix := range r.Samples {
			panel(fmt.Sprintf("Adam, iter %d", r.SampleIter[i]), pix)
		}
	}
	if r := firstMNIST(res, MethodGDA, false, false); r != nil && len(r.Samples) > 0 {
		panel(fmt.Sprintf("GDA, iter %d", r.SampleIter[len(r.SampleIter)-1]), r.Samples[len(r.Samples)-1])
	}
	return fig
}
