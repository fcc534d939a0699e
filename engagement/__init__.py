"""政企互动 (government–enterprise interaction): consultation on draft policies (征求意见), feature articles
(专题文章), the service directory (办事服务、增值服务) and online consultation sessions (云直播、云综窗)."""
