package drone

import "context"

// The client's methods resolve the dialect, then delegate.

var _ Client = (*client)(nil)

func (c *client) Dialect(ctx context.Context) (Dialect, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return "", err
	}
	return api.Dialect(ctx)
}

func (c *client) Self(ctx context.Context) (*User, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.Self(ctx)
}

func (c *client) Repos(ctx context.Context, latest bool) ([]*Repo, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.Repos(ctx, latest)
}

func (c *client) SyncRepos(ctx context.Context) ([]*Repo, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.SyncRepos(ctx)
}

func (c *client) Repo(ctx context.Context, slug string) (*Repo, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.Repo(ctx, slug)
}

func (c *client) EnableRepo(ctx context.Context, slug string) (*Repo, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.EnableRepo(ctx, slug)
}

func (c *client) DisableRepo(ctx context.Context, slug string) (*Repo, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.DisableRepo(ctx, slug)
}

func (c *client) Builds(ctx context.Context, slug string, opts ListOptions) ([]*Build, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.Builds(ctx, slug, opts)
}

func (c *client) Build(ctx context.Context, slug string, number int64) (*Build, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.Build(ctx, slug, number)
}

func (c *client) LatestBuild(ctx context.Context, slug, branch string) (*Build, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.LatestBuild(ctx, slug, branch)
}

func (c *client) CreateBuild(ctx context.Context, slug string, opts CreateOptions) (*Build, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.CreateBuild(ctx, slug, opts)
}

func (c *client) RestartBuild(ctx context.Context, slug string, number int64, params map[string]string) (*Build, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.RestartBuild(ctx, slug, number, params)
}

func (c *client) CancelBuild(ctx context.Context, slug string, number int64) error {
	api, err := c.resolve(ctx)
	if err != nil {
		return err
	}
	return api.CancelBuild(ctx, slug, number)
}

func (c *client) ApproveBuild(ctx context.Context, slug string, number int64) error {
	api, err := c.resolve(ctx)
	if err != nil {
		return err
	}
	return api.ApproveBuild(ctx, slug, number)
}

func (c *client) DeclineBuild(ctx context.Context, slug string, number int64) error {
	api, err := c.resolve(ctx)
	if err != nil {
		return err
	}
	return api.DeclineBuild(ctx, slug, number)
}

func (c *client) PromoteBuild(ctx context.Context, slug string, number int64, target string, params map[string]string) (*Build, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.PromoteBuild(ctx, slug, number, target, params)
}

func (c *client) LogTail(ctx context.Context, slug string, number int64, step StepRef, opts TailOptions) (*LogTail, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.LogTail(ctx, slug, number, step, opts)
}

func (c *client) RecentBuilds(ctx context.Context) ([]*RecentBuild, error) {
	api, err := c.resolve(ctx)
	if err != nil {
		return nil, err
	}
	return api.RecentBuilds(ctx)
}

func (c *client) WatchBuilds(ctx context.Context, opened func(), each func(slug string, b *Build)) error {
	api, err := c.resolve(ctx)
	if err != nil {
		return err
	}
	return api.WatchBuilds(ctx, opened, each)
}
