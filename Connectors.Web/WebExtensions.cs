namespace Connectors.Web;

public static class WebExtensions
{
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.AddConnectorsCore();
        builder.Services.AddRazorPages();
        return builder;
    }

    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        app.UseStaticFiles();
        app.UseRouting();
        return app;
    }
}
